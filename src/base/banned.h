/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Functions that invite overflows or hidden state: any use after this
 * header is a compile error. The build force-includes it in every
 * translation unit of src/, after the libc headers that declare them. */
#ifndef ACCORD_BASE_BANNED_H
#define ACCORD_BASE_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC poison strcpy strcat strncpy sprintf vsprintf strtok gets atoi

#endif
