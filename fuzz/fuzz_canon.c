/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer's entry to the canon target (fuzz/canon_one.c). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ac_fuzz_canon(data, size);
    return 0;
}
