/* commands.h - one entry point per subcommand; main.c dispatches to them.
 * Each takes the arguments after the command name (argv[0] is the command)
 * and returns the process exit code. */
#ifndef IOTMON_COMMANDS_H
#define IOTMON_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_telescope(int argc, char **argv);
int cmd_honeypot(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_feed(int argc, char **argv);

/* Report kinds (iotmon report KIND). */
int cmd_report_countries(int argc, char **argv);
int cmd_report_manufacturers(int argc, char **argv);
int cmd_enrich(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_treatment(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* Report kinds (iotmon report KIND). */
int report_remediation(int argc, char **argv);

#endif
