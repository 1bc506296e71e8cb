# fish completion for st-where
complete -c st-where -f
complete -c st-where -s v -l invert -d 'keep the records that are not true'
complete -c st-where -l source -x -d 'filter the records of this source only'
complete -c st-where -l checkpoint -r -F -d 'checkpoint directory'
complete -c st-where -l name -x -d 'corner in the checkpoint'
complete -c st-where -l malformed -x -a 'failfast dropmalformed permissive' -d 'malformed record policy'
complete -c st-where -l dead-letter -r -F -d 'file for malformed lines'
complete -c st-where -l keep-versions -x -d 'state versions kept'
complete -c st-where -l help -d 'print help'
complete -c st-where -l version -d 'print version'
