# fish completion for st-status
complete -c st-status -l json -d 'status and progress as JSON'
complete -c st-status -l prometheus -d 'Prometheus text exposition format'
complete -c st-status -l recent -x -d 'the last N batches'
complete -c st-status -l watch -d 'refresh every interval'
complete -c st-status -l check -d 'verify the checkpoints'
complete -c st-status -l help -d 'print help'
complete -c st-status -l version -d 'print version'
complete -c st-status -a '(__fish_complete_directories)'
