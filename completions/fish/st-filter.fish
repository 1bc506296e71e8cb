# fish completion for st-filter
complete -c st-filter -f
complete -c st-filter -s v -l invert -d 'keep the records that are not true'
complete -c st-filter -l source -x -d 'filter the records of this source only'
complete -c st-filter -l checkpoint -r -F -d 'checkpoint directory'
complete -c st-filter -l name -x -d 'corner in the checkpoint'
complete -c st-filter -l malformed -x -a 'failfast dropmalformed permissive' -d 'malformed record policy'
complete -c st-filter -l dead-letter -r -F -d 'file for malformed lines'
complete -c st-filter -l keep-versions -x -d 'state versions kept'
complete -c st-filter -l help -d 'print help'
complete -c st-filter -l version -d 'print version'
