# bash completion for userize(1): subcommands, their options, files.
# Installed as share/bash-completion/completions/userize.

_userize()
{
	local cur prev cmd opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W 'reloc explain btf matrix help version --help --version' -- "$cur"))
		return
	fi
	case $prev in
	--target-format)
		COMPREPLY=($(compgen -W 'auto btf dwarf archive tracefs' -- "$cur"))
		return ;;
	-r|--report)
		COMPREPLY=($(compgen -W 'json text' -- "$cur"))
		return ;;
	--shard)
		return ;;
	esac
	case $cmd in
	reloc)
		opts='--target --base --output --report --json --pretty --target-format --no-userize --help' ;;
	explain)
		opts='--target --base --json --pretty --target-format --no-userize --help' ;;
	btf)
		if [ "$COMP_CWORD" -eq 2 ]; then
			COMPREPLY=($(compgen -W 'extract --help' -- "$cur"))
			return
		fi
		opts='--output --quiet --json --pretty --help' ;;
	matrix)
		opts='--targets --fields --merge --json --pretty --csv --no-group --shard --strict --target-format --help' ;;
	help)
		COMPREPLY=($(compgen -W 'reloc explain btf matrix' -- "$cur"))
		return ;;
	*)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
	fi
}
complete -F _userize userize
