/**
 * The completion scripts `kubectl toe completion SHELL` prints. Each asks `kubectl-toe __complete WORDS...` for the
 * candidates, so the shells share one engine (complete.ts). Under kubectl itself (`kubectl toe <TAB>`), kubectl
 * runs `kubectl_complete-toe`, which calls the same engine.
 */
export function completionScript(shell: 'bash' | 'zsh' | 'fish'): string {
  switch (shell) {
    case 'bash':
      return `# kubectl-toe bash completion: source it, or put it in /etc/bash_completion.d/
_kubectl_toe() {
  local IFS=$'\\n'
  COMPREPLY=($(kubectl-toe __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _kubectl_toe kubectl-toe
`;
    case 'zsh':
      return `#compdef kubectl-toe
# kubectl-toe zsh completion: put it on $fpath as _kubectl-toe, or source it after compinit
_kubectl_toe() {
  local -a candidates
  candidates=("\${(@f)$(kubectl-toe __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- "\${candidates[@]}"
}
compdef _kubectl_toe kubectl-toe
`;
    case 'fish':
      return `# kubectl-toe fish completion: save as ~/.config/fish/completions/kubectl-toe.fish
complete -c kubectl-toe -f -a '(kubectl-toe __complete (commandline -opc)[2..-1] "$(commandline -ct)" 2>/dev/null)'
`;
  }
}
