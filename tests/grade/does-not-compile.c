/* does-not-compile.c: a submission that does not compile (a missing semicolon), for tests/grade.sh. */
int main(void)
{
	return 0
}
