/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord tally, black box: the real binary on the PrefLib files of
 * tests/data/preflib and on files written here, its text and JSON
 * answers, and its exit codes and messages for bad input. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/harness.h"
#include "unit/unit.h"

static char *dir; /* temporary folder of the test */

static void setup(void)
{
    dir = t_tmpdir();
    cr_assert_not_null(dir);
}

static void teardown(void)
{
    t_rmrf(dir);
    free(dir);
}

TestSuite(tally, .init = setup, .fini = teardown, .timeout = 60);

/* The path of tests/data/preflib/name. */
static char *data_file(const char *name)
{
    return t_fmt("%s/preflib/%s", u_data_dir(), name);
}

/* Writes text to dir/name; returns the path. */
static char *write_file(const char *name, const char *text, size_t len)
{
    char *path = t_fmt("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

/* accord tally --format preflib PATH [extra] [extra2]: exit status, with
 * its output and errors. */
static int tally(const char *path, const char *extra, const char *extra2,
                 const char *input, char **out, char **err)
{
    const char *args[] = {"tally", "--format", "preflib", path,
                          extra,   extra2,     NULL};
    return t_run(args, NULL, input, out, err);
}

static void expect_json(const char *file, const char *flag, const char *want)
{
    char *path = data_file(file);
    char *out = NULL, *err = NULL;
    int rc = tally(path, "--json", flag, NULL, &out, &err);
    cr_assert_eq(rc, 0, "%s: exit %d: %s", file, rc, err);
    cr_assert_str_eq(out, want, "%s", file);
    cr_assert_str_eq(err, "");
    free(out);
    free(err);
    free(path);
}

Test(tally, json_of_each_file)
{
    expect_json("drinks.toi", NULL,
                "{\"winners\":[2],\"ranking\":[[2],[1],[3],[4]],"
                "\"pairwise\":[[0,3,3,7],[6,0,4,4],[2,2,0,4],[2,2,0,0]]}\n");
    expect_json("wikipedia.soc", NULL,
                "{\"winners\":[5],\"ranking\":[[5],[1],[3],[2],[4]],"
                "\"pairwise\":[[0,20,26,30,22],[25,0,16,33,18],"
                "[19,29,0,17,24],[15,12,28,0,14],[23,27,21,31,0]]}\n");
    /* B and D tie, then A and C: each layer in the tie-break order of
     * seed 0 */
    expect_json("example4.soc", NULL,
                "{\"winners\":[4,2],\"ranking\":[[4,2],[1,3]],"
                "\"pairwise\":[[0,5,5,3],[4,0,7,5],[4,2,0,5],[6,4,4,0]]}\n");
}

Test(tally, margins_change_the_winner)
{
    expect_json("margins.soi", NULL,
                "{\"winners\":[3],\"ranking\":[[3],[2],[1]],"
                "\"pairwise\":[[0,4,4],[5,0,3],[2,6,0]]}\n");
    expect_json("margins.soi", "--margins",
                "{\"winners\":[1],\"ranking\":[[1],[3],[2]],"
                "\"pairwise\":[[0,4,4],[5,0,3],[2,6,0]]}\n");
}

Test(tally, plain_text)
{
    char *path = data_file("drinks.toi");
    char *out = NULL, *err = NULL;
    int rc = tally(path, NULL, NULL, NULL, &out, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    cr_assert_str_eq(out,
                     "Schulze, winning votes: 9 voters, 3 kinds of ballot, 4 "
                     "alternatives\n"
                     "\n"
                     "winner: 2 Coffee\n"
                     "\n"
                     "ranking (alternatives sharing a place are tied):\n"
                     "  1  2 Coffee\n"
                     "  2  1 Tea\n"
                     "  3  3 Juice\n"
                     "  4  4 Water\n"
                     "\n"
                     "pairwise (voters preferring the row to the column):\n"
                     "            1  2  3  4\n"
                     "  1 Tea     -  3  3  7\n"
                     "  2 Coffee  6  -  4  4\n"
                     "  3 Juice   2  2  -  4\n"
                     "  4 Water   2  2  0  -\n");
    free(out);
    free(err);
    free(path);
}

Test(tally, plain_text_with_ties_and_margins)
{
    char *path = data_file("example4.soc");
    char *out = NULL, *err = NULL;
    int rc = tally(path, "--margins", NULL, NULL, &out, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    cr_assert(strstr(out, "Schulze, margins: 9 voters"), "%s", out);
    cr_assert(strstr(out, "winners (tied): 4 D, 2 B\n"), "%s", out);
    cr_assert(strstr(out, "  1  4 D\n     2 B\n  2  1 A\n     3 C\n"), "%s",
              out);
    free(out);
    free(err);
    free(path);
}

Test(tally, unnamed_alternatives_and_standard_input)
{
    const char *text = "# NUMBER ALTERNATIVES: 3\r\n"
                       "\r\n"
                       "2: {1,2},3\r\n"
                       "1: 3\r\n";
    char *out = NULL, *err = NULL;
    int rc = tally("-", NULL, NULL, text, &out, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    cr_assert(strstr(out, "winners (tied): "), "%s", out);
    cr_assert(strstr(out, "\n     1  2  3\n  1  -  0  2\n"), "%s", out);
    free(out);
    free(err);
    rc = tally("-", "--json", NULL, text, &out, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    cr_assert(strstr(out, "\"pairwise\":[[0,0,2],[0,0,2],[1,1,0]]}\n"), "%s",
              out);
    free(out);
    free(err);
}

Test(tally, a_thousand_alternatives)
{
    size_t cap = 64 * 1024, len;
    char *text = malloc(cap);
    char *path;
    char *out = NULL, *err = NULL;
    json_t *doc, *ranking, *pairwise;
    json_error_t jerr;
    char *winners;
    int rc;
    cr_assert_not_null(text);
    len = (size_t)snprintf(text, cap, "# NUMBER ALTERNATIVES: 1000\n3: ");
    for (int c = 1; c <= 1000; c++) {
        len += (size_t)snprintf(text + len, cap - len,
                                c < 1000 ? "%d," : "%d\n", c);
    }
    len += (size_t)snprintf(text + len, cap - len, "1: {500,1000},1\n");
    path = write_file("big.toi", text, len);
    rc = tally(path, "--json", NULL, NULL, &out, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    doc = json_loads(out, 0, &jerr);
    cr_assert_not_null(doc, "%s", jerr.text);
    winners = json_dumps(json_object_get(doc, "winners"), JSON_COMPACT);
    cr_assert_str_eq(winners, "[1]");
    free(winners);
    ranking = json_object_get(doc, "ranking");
    pairwise = json_object_get(doc, "pairwise");
    cr_assert_eq(json_array_size(ranking), 1000);
    cr_assert_eq(json_array_size(pairwise), 1000);
    cr_assert_eq(json_array_size(json_array_get(pairwise, 999)), 1000);
    /* 1 over 2: all four voters, the fourth ranking 1 and leaving 2 out */
    cr_assert_eq(
        json_integer_value(json_array_get(json_array_get(pairwise, 0), 1)), 4);
    json_decref(doc);
    free(out);
    free(err);
    free(path);
    free(text);
}

/* ---- errors ---------------------------------------------------------- */

static void expect_failure(const char *path, int want_rc, const char *want)
{
    char *out = NULL, *err = NULL;
    int rc = tally(path, NULL, NULL, NULL, &out, &err);
    cr_assert_eq(rc, want_rc, "exit %d, not %d: %s", rc, want_rc, err);
    cr_assert_str_eq(err, want);
    cr_assert_str_eq(out, "", "nothing is printed on failure");
    free(out);
    free(err);
}

Test(tally, bad_file_names_the_line)
{
    char *path = data_file("bad_alternative.soi");
    char *want =
        t_fmt("accord: %s: line 12: alternative 9 is not in 1..8\n", path);
    expect_failure(path, 1, want);
    free(want);
    free(path);
}

Test(tally, bad_input_written_here)
{
    static const struct {
        const char *text;
        int rc;
        const char *msg;
    } cases[] = {
        {"1: 1,2\n", 1, "missing header line \"# NUMBER ALTERNATIVES: n\""},
        {"# NUMBER ALTERNATIVES: 2\r\n\r\n1: 1,2\r\n1: 2,2\r\n", 1,
         "line 4: alternative 2 appears twice"},
        {"# NUMBER ALTERNATIVES: 2\nmany: 1,2\n", 1,
         "line 2: count must be a whole number from 1 to 4294967295, not "
         "\"many\""},
        {"# NUMBER ALTERNATIVES: 2\n1: {1,2\n", 1,
         "line 2: \"{\" is not closed"},
        {"# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 2\n1: 2\n", 1,
         "line 3: the order lists 1 of the 2 alternatives, and a soc file "
         "lists them all"},
        {"# NUMBER ALTERNATIVES: 1001\n", 6,
         "line 1: 1001 alternatives, more than the 1000 a tally takes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *name = t_fmt("case%zu.toi", i);
        char *path = write_file(name, cases[i].text, strlen(cases[i].text));
        char *want = t_fmt("accord: %s: %s\n", path, cases[i].msg);
        expect_failure(path, cases[i].rc, want);
        free(want);
        free(path);
        free(name);
    }
}

Test(tally, standard_input_is_named_as_such)
{
    char *out = NULL, *err = NULL;
    int rc =
        tally("-", NULL, NULL, "# NUMBER ALTERNATIVES: 2\n1: 3\n", &out, &err);
    cr_assert_eq(rc, 1);
    cr_assert_str_eq(err, "accord: standard input: line 2: alternative 3 is "
                          "not in 1..2\n");
    free(out);
    free(err);
}

Test(tally, missing_file)
{
    char *path = t_fmt("%s/none.soc", dir);
    char *want =
        t_fmt("accord: cannot open %s: No such file or directory\n", path);
    expect_failure(path, 3, want);
    free(want);
    free(path);
}

Test(tally, usage_errors)
{
    char *path = data_file("drinks.toi");
    const char *no_format[] = {"tally", path, NULL};
    const char *other[] = {"tally", "--format", "csv", path, NULL};
    const char *no_file[] = {"tally", "--format", "preflib", NULL};
    const char *two_files[] = {"tally", "--format", "preflib",
                               path,    path,       NULL};
    const char *help[] = {"tally", "--help", NULL};
    char *out = NULL, *err = NULL;

    cr_assert_eq(t_run(no_format, NULL, NULL, NULL, &err), 2);
    cr_assert_str_eq(err, "accord: give an exported log and a proposal (FILE "
                          "PROPOSAL), or --format preflib FILE (see accord "
                          "tally --help)\n");
    free(err);
    cr_assert_eq(t_run(other, NULL, NULL, NULL, &err), 2);
    cr_assert_str_eq(err, "accord: unknown format \"csv\": the supported "
                          "input is --format preflib (see accord tally "
                          "--help)\n");
    free(err);
    cr_assert_eq(t_run(no_file, NULL, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "missing argument"), "%s", err);
    free(err);
    cr_assert_eq(t_run(two_files, NULL, NULL, NULL, &err), 2);
    cr_assert(strstr(err, "--format preflib takes one FILE"), "%s", err);
    free(err);
    cr_assert_eq(t_run(help, NULL, NULL, &out, NULL), 0);
    cr_assert(strstr(out, "usage: accord tally (FILE PROPOSAL | --format "
                          "preflib FILE"),
              "%s", out);
    cr_assert(strstr(out, "PrefLib .soc, .soi, .toc and .toi"), "%s", out);
    free(out);
    free(path);
}
