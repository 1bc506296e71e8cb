/* st-read - the sources: reads files, stdin or Kafka topics into a stream
 * of batches. See st-read(1); the options are lib/source/cli.c's. */
#include <getopt.h>

#include "source/cli.h"

int
main(int argc, char **argv)
{
	st_read_cli cli;
	int ch;

	st_read_cli_init(&cli, argv[0]);
	while ((ch = getopt_long(argc, argv, ST_READ_SHORTOPTS,
	    st_read_longopts, NULL)) != -1)
		if (!st_read_cli_option(&cli, ch, optarg))
			st_opt_error(ch, argv);
	return st_read_cli_run(&cli, argc - optind, argv + optind);
}
