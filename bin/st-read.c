/* st-read - the sources: reads files, stdin or Kafka topics into a stream
 * of batches. See st-read(1); the options are lib/source/cli.c's. */
#include "source/cli.h"

int
main(int argc, char **argv)
{
	st_read_cli cli;

	st_read_cli_init(&cli, argv[0]);
	int i = st_opt_parse(&st_read_tool, &cli, argc, argv);
	return st_read_cli_run(&cli, argc - i, argv + i);
}
