/* st-sink - writes a stream's batches to stdout, files, SQLite or the
 * console and commits them. See st-sink(1); the options are
 * lib/sink/cli.c's. */
#include "sink/cli.h"

int
main(int argc, char **argv)
{
	st_sink_cli c;

	st_sink_cli_init(&c, argv[0]);
	st_opt_no_operands(st_opt_parse(&st_sink_tool, &c, argc, argv), argc,
	    argv);
	st_sink_check(&c);
	return st_sink_cli_run(&c);
}
