#include "commands.h"

int wm_cmd_rank(int argc, char **argv, wm_error *err)
{
    (void)argc; (void)argv;
    return wm_error_set(err, WM_EXIT_USAGE, "rank: not implemented yet");
}

