# fish completion for st-select
complete -c st-select -f
complete -c st-select -s w -l with -x -d 'set a column: NAME=EXPR (withColumn)'
complete -c st-select -l source -x -d 'apply to the records of this source only'
complete -c st-select -l checkpoint -r -F -d 'checkpoint directory'
complete -c st-select -l name -x -d 'corner in the checkpoint'
complete -c st-select -l malformed -x -a 'failfast dropmalformed permissive' -d 'malformed record policy'
complete -c st-select -l dead-letter -r -F -d 'file for malformed lines'
complete -c st-select -l keep-versions -x -d 'state versions kept'
complete -c st-select -l help -d 'print help'
complete -c st-select -l version -d 'print version'
