"""The authorization matrix: every command and button × every role × every kind of chat."""
