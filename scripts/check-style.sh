#!/bin/sh
# Fails when production code (src/, not *_test.c) calls a banned function:
# unbounded copies and formats, unchecked number parsing, tokenizers with
# hidden state, and anything that runs a shell.
cd "$(dirname "$0")/.." || exit 2
banned='\b(strcpy|strcat|sprintf|vsprintf|sscanf|atoi|atol|atof|strtok|gets|system|popen)[[:space:]]*\('
hits=$(grep -rnE "$banned" src --include='*.c' --include='*.h' | grep -v '_test\.c:' | grep -vE ':[0-9]+:\s*(/\*|\*|//)')
if [ -n "$hits" ]; then
	echo "banned functions in production code (use snprintf, strtol with range checks, strbuf ...):"
	echo "$hits"
	exit 1
fi
echo "style: no banned functions in src/"
