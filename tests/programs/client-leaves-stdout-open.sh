# A chat client that cannot connect, says so and exits 1, but leaves a background child holding its
# stdout (tests/messages.sh: `expect stdout eof` must speak of the output stream, not of a FIN).
sleep 30 &
# It does try (a refused connect: the case waits for the client's SYN first), with socat from ci/bootstrap.
socat -u /dev/null "TCP:$1:$2" 2>/dev/null
echo "cannot connect to $1 port $2" >&2
exit 1
