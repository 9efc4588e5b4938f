#include "commands.h"

int wm_cmd_import(int argc, char **argv, wm_error *err)
{
    (void)argc; (void)argv;
    return wm_error_set(err, WM_EXIT_USAGE, "import: not implemented yet");
}

int wm_cmd_indicators(int argc, char **argv, wm_error *err)
{
    (void)argc; (void)argv;
    return wm_error_set(err, WM_EXIT_USAGE, "indicators: not implemented yet");
}

int wm_cmd_table(int argc, char **argv, wm_error *err)
{
    (void)argc; (void)argv;
    return wm_error_set(err, WM_EXIT_USAGE, "table: not implemented yet");
}

