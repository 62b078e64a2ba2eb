/* platform/registry.c: platform backends registered by name. */
#include "platform/platform.h"

#include <string.h>

extern const struct platform_ops ptrace_platform_ops;

const char *const platform_special_names[PLATFORM_NSPECIAL] = {
    [PLATFORM_VVAR] = "[vvar]",
    [PLATFORM_VVAR_VCLOCK] = "[vvar_vclock]",
    [PLATFORM_VDSO] = "[vdso]",
};

static const struct platform_ops *builtin[] = { &ptrace_platform_ops };
static const struct platform_ops *extra[4];
static unsigned nextra;

void platform_register(const struct platform_ops *ops)
{
    if (nextra < sizeof(extra) / sizeof(extra[0]))
        extra[nextra++] = ops;
}

const struct platform_ops *platform_lookup(const char *name)
{
    for (unsigned i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
        if (!strcmp(builtin[i]->name, name))
            return builtin[i];
    for (unsigned i = 0; i < nextra; i++)
        if (!strcmp(extra[i]->name, name))
            return extra[i];
    return NULL;
}

const char *platform_names(void)
{
    return "ptrace";
}
