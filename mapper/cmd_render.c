#include "commands.h"
int wm_cmd_render(int argc, char **argv, wm_error *err){(void)argc;(void)argv;return wm_error_set(err,2,"todo");}
