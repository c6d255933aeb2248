/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* accord: the command table, argument parsing, help and exit codes. The
 * table is the one list of commands: help, parsing and dispatch read it.
 * Every failure ends as one line "accord: <reason>" on standard error and
 * an exit code from the one status table below (docs/cli.md#exit-codes). */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/secret.h"
#include "cli/cli.h"
#include "core/codec.h"

#define EXIT_USAGE 2
#define ACCORD_VERSION "0.1.0"

/* Exit codes by status: the one mapping (docs/cli.md#exit-codes). */
static const int exit_codes[] = {
    [AC_OK] = 0,        [AC_EINVAL] = 1,   [AC_ENOTFOUND] = 3,
    [AC_ECONFLICT] = 4, [AC_EDENIED] = 5,  [AC_ELIMIT] = 6,
    [AC_ENOMEM] = 7,    [AC_ECORRUPT] = 8, [AC_EIO] = 9,
};

struct command {
    const char *name;
    ac_cli_fn run;
    bool member;                   /* talks to a server */
    const char *synopsis;          /* the arguments after the name */
    const char *summary;           /* one line for accord help */
    const char *about;             /* more for --help; may be NULL */
    const struct ac_cli_opt *opts; /* ended by a NULL name */
    size_t min_pos, max_pos;       /* positional arguments */
    const char *examples;          /* lines for --help; may be NULL */
};

#define JSON_HELP "print the server's JSON unchanged"

static const struct ac_cli_opt opts_init[] = {
    {"--data", "DIR", false, "data folder to create the organisation in"},
    {"--store", "URL", false,
     "a PostgreSQL database instead of a data folder "
     "(postgres://USER@HOST/DB; docs/scaling.md)"},
    {"--org", "NAME", true, "the organisation's name"},
    {"--founder", "ID", true,
     "the founding member's id ([a-z0-9][a-z0-9_-]{0,31})"},
    {"--name", "NAME", false, "the founder's display name (default: ID)"},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_serve[] = {
    {"--data", "DIR", false, "data folder of the organisation"},
    {"--store", "URL", false,
     "a PostgreSQL database instead of a data folder "
     "(postgres://USER@HOST/DB; docs/scaling.md)"},
    {"--listen", "ADDR:PORT", false,
     "address to listen on (default 127.0.0.1:8080)"},
    {"--config", "FILE", false,
     "server settings such as the SMTP server for notifications (default "
     "DIR/accord.conf when it exists; docs/notifications.md)"},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_backup[] = {
    {"--data", "DIR", false, "data folder of the organisation"},
    {"--store", "URL", false,
     "a PostgreSQL store: refused, since pg_dump backs it up "
     "(docs/operations.md#postgresql)"},
    {"--to", "NEWDIR", true, "a new folder for the copy"},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_data[] = {
    {"--data", "DIR", false, "data folder of the organisation"},
    {"--store", "URL", false,
     "a PostgreSQL database instead of a data folder "
     "(postgres://USER@HOST/DB; docs/scaling.md)"},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_verify[] = {
    {"--data", "DIR", false, "verify the log stored in this data folder"},
    {"--store", "URL", false,
     "verify the log stored in this PostgreSQL database"},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_demo[] = {
    {"--data", "DIR", false, "data folder for the demo organisation"},
    {"--store", "URL", false,
     "a PostgreSQL database instead of a data folder "
     "(postgres://USER@HOST/DB; docs/scaling.md)"},
    {"--members", "N", false,
     "also admit N generated members m0001, m0002, ... (0..100000)"},
    {"--proposals", "N", false,
     "then open N generated proposals in circle all (0..100000)"},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_tally[] = {
    {"--format", "FORMAT", false,
     "the input's format: preflib (PrefLib .soc, .soi, .toc, .toi), the "
     "supported input"},
    {"--margins", NULL, false,
     "measure a defeat by its margin, not by its winning votes"},
    {"--json", NULL, false,
     "print {\"winners\",\"ranking\",\"pairwise\"} as JSON"},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_login[] = {
    {"--server", "URL", true, "the server, e.g. http://127.0.0.1:8080"},
    {"--member", "ID", true, "your member id"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_join[] = {
    {"--server", "URL", true, "the server, e.g. http://127.0.0.1:8080"},
    {"--invite", "CODE", true, "the invite code you were given"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_json[] = {
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_logout[] = {
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_proposals[] = {
    {"--status", "S", false,
     "only proposals with this status: open, needs_integration, adopted, "
     "withdrawn, lapsed, rejected, decided"},
    {"--circle", "C", false, "only proposals of this circle"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_propose[] = {
    {"--circle", "C", true, "the circle that decides"},
    {"--kind", "K", true,
     "agreement.adopt, agreement.amend, agreement.retire, charter.amend, "
     "member.admit, member.remove, circle.create, circle.amend, choice, "
     "role.create, role.amend, role.retire, role.elect, role.draw or "
     "choice.import"},
    {"--title", "T", true, "a short title"},
    {"--data", "JSON", false,
     "the kind's data as a JSON object, or @FILE to read it from FILE "
     "(@- for standard input)"},
    {"--text", "TEXT", false,
     "for agreement.adopt: the agreement's text (Markdown), instead of "
     "--data"},
    {"--review-by", "DATE", false,
     "for agreement.adopt with --text: a review date YYYY-MM-DD"},
    {"--from-preflib", "FILE", false,
     "for choice.import: the options and ballots of a PrefLib file, "
     "instead of --data"},
    {"--source", "TEXT", false,
     "with --from-preflib: who collected the ballots, when and how"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_position[] = {
    {"--reason", "R", false, "why (required to object)"},
    {"--criterion", "C", false,
     "the charter's objection criterion an objection rests on (when the "
     "charter lists any)"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_integrate[] = {
    {"--objector", "M", true, "the member whose standing objection it answers"},
    {"--suggestion", "S", true, "the amendment you suggest"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_nominate[] = {
    {"--reason", "R", true, "why this member fits the role"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_delegate[] = {
    {"--circle", "C", true, "the circle whose votes you entrust"},
    {"--to", "M", true, "the member who votes for you when you do not"},
    {"--kind", "K", false, "only proposals of this kind (default: every kind)"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_undelegate[] = {
    {"--circle", "C", true, "the circle"},
    {"--kind", "K", false, "the kind the delegation was for"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_refuse[] = {
    {"--from", "M", true, "the member whose delegation you refuse"},
    {"--circle", "C", true, "the circle"},
    {"--kind", "K", false, "the kind the delegation was for"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_secret[] = {
    {"--secret", "S", false,
     "your secret (default: volunteer makes a random one and keeps it for "
     "reveal)"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_ballot[] = {
    {"--rank", "LIST", false,
     "ranked ballot: option numbers, first choice first, \"=\" for a tie "
     "(e.g. 2,1=3)"},
    {"--approve", "LIST", false, "approval ballot: the options you approve"},
    {"--scores", "LIST", false,
     "score ballot: a score 0..5 for every option, in order"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_amend[] = {
    {"--title", "T", false, "the new title"},
    {"--data", "JSON", false,
     "the new data as a JSON object, or @FILE (@- for standard input)"},
    {"--text", "TEXT", false,
     "a new text for an agreement proposal; the rest of its data stays"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_events[] = {
    {"--after", "N", false, "only events after seq N (default 0)"},
    {"--limit", "M", false, "at most M events"},
    {"--jsonl", NULL, false,
     "every event to the head as JSON Lines, exactly as accord export "
     "writes them: a member's own copy of the log for accord verify"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_ledger[] = {
    {"--csv", NULL, false,
     "print the movements as CSV (RFC 4180), as GET /api/v1/ledger.csv "
     "gives them"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_commit[] = {
    {"--circle", "C", true, "the circle you commit to (you belong to it)"},
    {"--what", "TEXT", true, "what you will do"},
    {"--by", "DATE", true, "by when: a date YYYY-MM-DD, today or later"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_update[] = {
    {"--note", "TEXT", false, "what happened (required for progress)"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_commitments[] = {
    {"--circle", "C", false, "only this circle's"},
    {"--member", "M", false, "only this member's"},
    {"--status", "S", false, "only open, done or released ones"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_bucket[] = {
    {"--title", "T", true, "what the bucket is"},
    {"--target", "MINOR", true,
     "what it needs, in minor units of the currency (1250 for 12.50)"},
    {"--description", "TEXT", false, "what it is for"},
    {"--json", NULL, false, JSON_HELP},
    {NULL, NULL, false, NULL},
};

static const struct ac_cli_opt opts_power[] = {
    {"--circle", "C", false,
     "one circle (default: the whole organisation, all)"},
    {"--days", "N", false, "only the last N days (default: all time)"},
    {"--explain", NULL, false, "say what each figure means, in words"},
    {"--svg", "OUT", false,
     "also draw the Lorenz curves and the per-member bars into OUT (SVG)"},
    {"--dim", "MEASURE", false,
     "the measure the SVG's bars show (default proposals_adopted)"},
    {"--json", NULL, false, "print the report as JSON (GET /api/v1/power)"},
    {NULL, NULL, false, NULL},
};

static const struct command commands[] = {
    {"init", ac_cli_init, false,
     "--data DIR --org NAME --founder ID [--name NAME]",
     "create an organisation and its founding member",
     "Creates DIR/accord.db with the founding event: the organisation, its\n"
     "charter with default values and the founder as the first member.\n"
     "The founder's password comes from ACCORD_PASSWORD or is asked for\n"
     "(at least 8 characters). Refuses a DIR that already holds an\n"
     "organisation.",
     opts_init, 0, 0,
     "ACCORD_PASSWORD=... accord init --data ./coop --org \"Riverside "
     "Food Co-op\" --founder alice --name \"Alice Moreau\""},
    {"serve", ac_cli_serve, false, "--data DIR [--listen ADDR:PORT]",
     "serve the HTTP API until SIGTERM or SIGINT",
     "Serves the HTTP API v1 of the organisation in DIR. SIGTERM or SIGINT\n"
     "stop it cleanly: it finishes the writes under way and exits 0.",
     opts_serve, 0, 0, "accord serve --data ./coop --listen 127.0.0.1:8080"},
    {"backup", ac_cli_backup, false, "--data DIR --to NEWDIR",
     "copy the whole store, secrets included, while the server runs",
     "SQLite's online backup: the log, the credentials and the notification\n"
     "settings as they were at one moment, in a new data folder (0700, the\n"
     "file 0600), then verified and its head compared. To restore, stop the\n"
     "server and serve the copy (or copy it back with another backup).",
     opts_backup, 0, 0, "accord backup --data ./coop --to ./coop-2026-11-28"},
    {"export", ac_cli_export, false, "--data DIR",
     "write the event log as JSON Lines to standard output",
     "One event per line, each with its hash; no secrets.", opts_data, 0, 0,
     "accord export --data ./coop > coop.jsonl"},
    {"verify", ac_cli_verify, false, "(--data DIR | FILE)",
     "check every hash and link of a stored or exported log",
     "Recomputes every hash and link and replays the events. Prints\n"
     "\"ok: N events, head HASH\" and exits 0, or names the first event\n"
     "that does not match and exits 8. FILE - reads standard input.",
     opts_verify, 0, 1,
     "accord verify --data ./coop\n"
     "accord verify coop.jsonl\n"
     "accord export --data ./coop | accord verify -"},
    {"demo", ac_cli_demo, false, "--data DIR [--members N] [--proposals N]",
     "create a demo organisation to try accord with",
     "When DIR holds no organisation, creates \"Riverside Food Co-op\" with\n"
     "members alice, bob, carol, dana and erin (password demo-password-1),\n"
     "a circle, agreements and proposals in every state. A DIR that\n"
     "already holds an organisation is left alone.",
     opts_demo, 0, 0,
     "accord demo --data ./demo-data\n"
     "accord demo --data ./big --members 1000 --proposals 10000"},
    {"tally", ac_cli_tally, false,
     "(FILE PROPOSAL | --format preflib FILE [--margins]) [--json]",
     "recount a choice from an exported log, or rank a PrefLib file",
     "FILE PROPOSAL replays an exported log (accord export, accord events\n"
     "--jsonl), checking every hash, and prints the count of the choice\n"
     "PROPOSAL exactly as the server shows it (GET .../result): anyone with\n"
     "the log can recount a decision offline.\n"
     "--format preflib reads ranked ballots from FILE (- for standard\n"
     "input) and prints the Schulze winners, the ranking as layers\n"
     "(alternatives sharing a place are tied, listed in the tie-break order\n"
     "of seed 0) and the pairwise matrix: PrefLib .soc, .soi, .toc and .toi\n"
     "files, alternatives numbered from 1.",
     opts_tally, 1, 2,
     "accord tally coop.jsonl p12\n"
     "accord tally --format preflib election.toi\n"
     "accord tally --format preflib election.soc --margins --json"},
    {"login", ac_cli_login, true, "--server URL --member ID",
     "log in to a server and remember the session",
     "The password comes from ACCORD_PASSWORD or is asked for. The server\n"
     "and token are kept in $ACCORD_CONFIG or ~/.config/accord/session\n"
     "(mode 0600) for the other commands.",
     opts_login, 0, 0,
     "accord login --server http://127.0.0.1:8080 --member alice"},
    {"logout", ac_cli_logout, true, "",
     "end the session on the server and forget it", NULL, opts_logout, 0, 0,
     NULL},
    {"join", ac_cli_join, true, "--server URL --invite CODE",
     "take an invite and become an active member",
     "Sets your password (from ACCORD_PASSWORD or asked for), activates\n"
     "the member the invite admits and logs you in.",
     opts_join, 0, 0,
     "accord join --server http://127.0.0.1:8080 --invite CODE"},
    {"org", ac_cli_org, true, "",
     "show the organisation: name, head of the log, charter", NULL, opts_json,
     0, 0, NULL},
    {"members", ac_cli_members, true, "", "list the members", NULL, opts_json,
     0, 0, NULL},
    {"circles", ac_cli_circles, true, "", "list the circles", NULL, opts_json,
     0, 0, NULL},
    {"proposals", ac_cli_proposals, true, "[--status S] [--circle C]",
     "list proposals", NULL, opts_proposals, 0, 0,
     "accord proposals --status open"},
    {"show", ac_cli_show, true, "ID",
     "show a proposal with its positions and reasons", NULL, opts_json, 1, 1,
     "accord show p3"},
    {"propose", ac_cli_propose, true,
     "--circle C --kind K --title T (--data JSON | --data @FILE | "
     "--text TEXT [--review-by DATE])",
     "open a proposal",
     "Data per kind: agreement.adopt {\"text\",\"review_by\"?};\n"
     "agreement.amend {\"agreement\",\"text\"}; agreement.retire\n"
     "{\"agreement\"}; charter.amend {\"set\":{param:value}}; member.admit\n"
     "{\"id\",\"name\"}; member.remove {\"member\",\"reason\"};\n"
     "circle.create {\"id\",\"name\",\"purpose\",\"members\":[...]};\n"
     "circle.amend {\"circle\",\"purpose\"?,\"add\"?,\"remove\"?};\n"
     "choice {\"options\":[\"...\",...]}; role.create {\"id\",\"name\",\n"
     "\"purpose\",\"accountabilities\":[...],\"domain\"?,\"term_days\"};\n"
     "role.amend {\"role\", fields to change}; role.retire {\"role\"};\n"
     "role.elect {\"role\"}; role.draw {\"role\"}; choice.import\n"
     "{\"options\",\"ballots\":[{\"count\",\"ranking\"}],\"source\","
     "\"count\"?}\n"
     "(or --from-preflib FILE --source TEXT).",
     opts_propose, 0, 0,
     "accord propose --circle kitchen --kind agreement.adopt \\\n"
     "    --title \"Fridge rules\" --text \"Label and date everything.\"\n"
     "accord propose --circle all --kind member.admit --title \"Admit "
     "Fay\" \\\n"
     "    --data '{\"id\":\"fay\",\"name\":\"Fay Ito\"}'"},
    {"position", ac_cli_position, true,
     "ID (consent|concern|object|stand_aside|yes|no|abstain) [--reason R] "
     "[--criterion C]",
     "give or change your position on a proposal",
     "Consent and consensus take consent, concern, object and stand_aside;\n"
     "majority and supermajority votes take yes, no, abstain and object.\n"
     "An objection needs a reason; under consent it blocks adoption, in a\n"
     "vote it counts against and is shown beside the result.",
     opts_position, 2, 2,
     "accord position p3 consent\n"
     "accord position p3 object --reason \"the budget is not covered\""},
    {"integrate", ac_cli_integrate, true, "ID --objector M --suggestion S",
     "record a suggested amendment against a standing objection",
     "The author of the proposal and the objector may record attempts to\n"
     "integrate an objection; they stay in the objection's history. Only\n"
     "the objector can withdraw an objection (by changing their position),\n"
     "and a new version of the proposal answers it.",
     opts_integrate, 1, 1,
     "accord integrate p9 --objector carol --suggestion \"local where we "
     "can, the rest fair-trade\""},
    {"nominate", ac_cli_nominate, true, "ID MEMBER --reason R",
     "nominate a member in an election (role.elect)",
     "Each member names one person with a reason; everyone's nominations\n"
     "are visible. Until the change round ends you may change yours; then\n"
     "the most nominated eligible member is proposed and the circle gives\n"
     "positions on them as on any proposal.",
     opts_nominate, 2, 2,
     "accord nominate p14 carol --reason \"she knows every tool we have\""},
    {"volunteer", ac_cli_volunteer, true, "ID [--secret S]",
     "volunteer in a draw by lot (role.draw), committing to a secret",
     "Sends only the SHA-256 of your secret (the commitment); the secret\n"
     "stays with you, beside the session file, until accord reveal. Nobody,\n"
     "the server included, can steer the draw without knowing the secrets.",
     opts_secret, 1, 1, "accord volunteer p15"},
    {"pass", ac_cli_pass, true, "ID", "do not volunteer in a draw", NULL,
     opts_json, 1, 1, "accord pass p15"},
    {"reveal", ac_cli_reveal, true, "ID [--secret S]",
     "reveal your secret once a draw's volunteering has ended",
     "A volunteer who does not reveal before the deadline is left out of\n"
     "the draw. The seed is the SHA-256 of all revealed secrets\n"
     "(docs/roles.md#lot): anyone with the log can recompute the draw.",
     opts_secret, 1, 1, "accord reveal p15"},
    {"delegate", ac_cli_delegate, true, "--circle C --to M [--kind K]",
     "entrust your vote in a circle to another member",
     "Votes (majority, supermajority) and ballots (choices) only: consent\n"
     "positions are never delegated. Your own vote always overrides; the\n"
     "delegate's delegations carry yours further; nobody carries more than\n"
     "delegation.max_weight votes. It lasts delegation.expiry_days unless\n"
     "given again.",
     opts_delegate, 0, 0, "accord delegate --circle kitchen --to carol"},
    {"undelegate", ac_cli_undelegate, true, "--circle C [--kind K]",
     "take your vote back", NULL, opts_undelegate, 0, 0,
     "accord undelegate --circle kitchen"},
    {"refuse", ac_cli_refuse, true, "--from M --circle C [--kind K]",
     "refuse a delegation made to you", NULL, opts_refuse, 0, 0,
     "accord refuse --from dana --circle all"},
    {"delegations", ac_cli_delegations, true, "",
     "list every delegation (the record is open)", NULL, opts_json, 0, 0, NULL},
    {"roles", ac_cli_roles, true, "",
     "list the roles with their holders and term ends", NULL, opts_json, 0, 0,
     NULL},
    {"ballot", ac_cli_ballot, true,
     "ID (--rank LIST | --approve LIST | --scores LIST)",
     "cast or change your ballot on a choice",
     "Options are numbered from 1 as `accord show` lists them. A second\n"
     "ballot replaces the first while the round is open.",
     opts_ballot, 1, 1,
     "accord ballot p7 --rank 2,1=3\n"
     "accord ballot p8 --approve 1,3"},
    {"result", ac_cli_result, true, "ID",
     "show the count of a choice: ranking, pairwise matrix, strongest paths",
     NULL, opts_json, 1, 1, "accord result p7"},
    {"amend", ac_cli_amend, true, "ID [--title T] [--data JSON] [--text TEXT]",
     "amend your proposal: a new version and a new round",
     "Every position is cleared; the circle answers the new version.",
     opts_amend, 1, 1,
     "accord amend p3 --text \"Label, date and clear out on Fridays.\""},
    {"withdraw", ac_cli_withdraw, true, "ID", "withdraw your proposal", NULL,
     opts_json, 1, 1, "accord withdraw p3"},
    {"invite", ac_cli_invite, true, "ID",
     "show the invite code of an adopted member.admit you proposed", NULL,
     opts_json, 1, 1, "accord invite p4"},
    {"agreements", ac_cli_agreements, true, "",
     "list the agreements (the register)", NULL, opts_json, 0, 0, NULL},
    {"agreement", ac_cli_agreement, true, "ID",
     "show an agreement with its text", NULL, opts_json, 1, 1,
     "accord agreement a1"},
    {"power", ac_cli_power, true,
     "[FILE] [--circle C] [--days N] [--explain] [--svg OUT [--dim M]] "
     "[--json]",
     "show how evenly activity, roles and votes are spread",
     "The power monitor (docs/power.md): for every measure (proposals\n"
     "authored and adopted, objections raised and integrated,\n"
     "participation, role-days, roles held, votes carried) its Gini,\n"
     "HHI, effective members, top-10% share, Palma ratio and Nakamoto\n"
     "coefficient; the interaction graph's figures; the open alerts and\n"
     "the role holders past a rotation limit. From the server, or given\n"
     "FILE, from an exported log (checked and replayed here, measured at\n"
     "the time of its last event). FILE - reads standard input.",
     opts_power, 0, 1,
     "accord power --explain\n"
     "accord power --circle kitchen --days 90 --svg power.svg\n"
     "accord power coop.jsonl --json"},
    {"ledger", ac_cli_ledger, true, "[--csv | --json]",
     "show the budgets and every movement of the group's money",
     "Money moves only by adopted proposals (docs/money.md): income into\n"
     "the pool and budget.allocate from it to a circle, decided by \"all\";\n"
     "spend, decided by the circle whose budget pays. Amounts are shown in\n"
     "the organisation's currency; the API and the CSV also give them in\n"
     "minor units.",
     opts_ledger, 0, 0, "accord ledger\naccord ledger --csv > ledger.csv"},
    {"commit", ac_cli_commit, true, "--circle C --what TEXT --by DATE",
     "make a commitment to one of your circles",
     "A commitment is yours alone: you make it, you update it (accord\n"
     "update), and releasing it is honest, never a failure "
     "(docs/accountability.md).",
     opts_commit, 0, 0,
     "accord commit --circle kitchen --what \"Fix the fridge door\" --by "
     "2026-12-05"},
    {"update", ac_cli_update, true, "ID (progress|done|released) [--note N]",
     "update your commitment", NULL, opts_update, 2, 2,
     "accord update c3 progress --note \"Ordered the seal\"\n"
     "accord update c3 released --note \"The landlord fixes it\""},
    {"commitments", ac_cli_commitments, true,
     "[--circle C] [--member M] [--status S]", "list commitments", NULL,
     opts_commitments, 0, 0, "accord commitments --member bob --status open"},
    {"checkin", ac_cli_checkin, true, "CIRCLE",
     "list a circle's open commitments whose date has passed, by date", NULL,
     opts_json, 1, 1, "accord checkin kitchen"},
    {"rounds", ac_cli_rounds, true, "",
     "list the participatory budgeting rounds with their buckets", NULL,
     opts_json, 0, 0, NULL},
    {"round", ac_cli_round, true, "ID", "show a budgeting round", NULL,
     opts_json, 1, 1, "accord round r1"},
    {"bucket", ac_cli_bucket, true,
     "ROUND --title T --target MINOR [--description D]",
     "propose a bucket in an open budgeting round of your circle",
     "Amounts are minor units of the currency (docs/money.md#rounds).",
     opts_bucket, 1, 1,
     "accord bucket r1 --title \"A workbench\" --target 6000"},
    {"pledge", ac_cli_pledge, true, "BUCKET MINOR",
     "pledge from your share to a bucket (0 takes it back)",
     "The amount is your total for the bucket, in minor units; the pledge\n"
     "that reaches the bucket's target funds it.",
     opts_json, 2, 2, "accord pledge b3 2500"},
    {"events", ac_cli_events, true, "[--after N] [--limit M] [--jsonl]",
     "show the event log, or save it for verification", NULL, opts_events, 0, 0,
     "accord events --after 40 --limit 10\n"
     "  accord events --jsonl > coop.jsonl && accord verify coop.jsonl"},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

static void print_overview(FILE *f)
{
    fputs("usage: accord COMMAND [OPTIONS]\n"
          "\n"
          "accord keeps the hash-chained record of an organisation that "
          "runs\nitself by consent.\n",
          f);
    for (int member = 0; member < 2; member++) {
        fputs(member ? "\nmember commands (against a server, after accord "
                       "login):\n"
                     : "\noperator commands (on a data folder):\n",
              f);
        for (size_t i = 0; i < COMMAND_COUNT; i++) {
            if (commands[i].member == (member == 1)) {
                fprintf(f, "  %-11s %s\n", commands[i].name,
                        commands[i].summary);
            }
        }
    }
    fputs("\n  help [COMMAND]  this overview, or a command's help\n"
          "  --version       the version of accord and of its event encoding\n"
          "\nRun accord COMMAND --help for a command's options. "
          "docs/cli.md has more.\n",
          f);
}

#define HELP_INDENT 25 /* column where an option's help starts */
#define HELP_WIDTH 79  /* last column of help text */

/* Prints text from column HELP_INDENT, wrapped at spaces. */
static void print_wrapped(FILE *f, const char *text)
{
    size_t col = HELP_INDENT;
    while (*text) {
        size_t word = strcspn(text, " ");
        if (col > HELP_INDENT && col + 1 + word > HELP_WIDTH) {
            fprintf(f, "\n%*s", HELP_INDENT, "");
            col = HELP_INDENT;
        } else if (col > HELP_INDENT) {
            fputc(' ', f);
            col++;
        }
        fwrite(text, 1, word, f);
        col += word;
        text += word;
        text += strspn(text, " ");
    }
    fputc('\n', f);
}

static void print_help(FILE *f, const struct command *c)
{
    fprintf(f, "usage: accord %s%s%s\n\n%s\n", c->name,
            c->synopsis[0] ? " " : "", c->synopsis, c->summary);
    if (c->about) {
        fprintf(f, "\n%s\n", c->about);
    }
    fputs("\noptions:\n", f);
    for (size_t i = 0; c->opts[i].name; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", c->opts[i].name,
                 c->opts[i].arg ? " " : "",
                 c->opts[i].arg ? c->opts[i].arg : "");
        fprintf(f, "  %-*s", HELP_INDENT - 2, left);
        print_wrapped(f, c->opts[i].help);
    }
    fprintf(f, "  %-*s%s\n", HELP_INDENT - 2, "-h, --help", "show this help");
    if (c->member) {
        fputs("\nenvironment: ACCORD_SERVER and ACCORD_TOKEN override the "
              "saved session;\nACCORD_CONFIG names the session file.\n",
              f);
    }
    if (c->examples) {
        fputs("\nexamples:\n  ", f);
        for (const char *p = c->examples; *p; p++) {
            fputc(*p, f);
            if (*p == '\n') {
                fputs("  ", f);
            }
        }
        fputc('\n', f);
    }
}

static int usage_error(const struct command *c, const char *msg)
{
    if (c) {
        fprintf(stderr, "accord: %s (see accord %s --help)\n", msg, c->name);
    } else {
        fprintf(stderr, "accord: %s (see accord help)\n", msg);
    }
    return EXIT_USAGE;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return false;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return true;
        }
    }
    return false;
}

/* Fills a from argv[2..] against c's options; 0 or a usage exit code. */
static int parse(const struct command *c, int argc, char **argv,
                 struct ac_cli_args *a)
{
    char msg[256];
    bool options = true;
    size_t nopts = 0;

    memset(a, 0, sizeof *a);
    a->verb = c->name;
    a->opts = c->opts;
    while (c->opts[nopts].name) {
        nopts++;
    }
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (options && strcmp(arg, "--") == 0) {
            options = false;
        } else if (options && arg[0] == '-' && arg[1] != '\0') {
            const char *eq = strchr(arg, '=');
            size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
            size_t k = 0;
            while (k < nopts && !(strlen(c->opts[k].name) == len &&
                                  strncmp(c->opts[k].name, arg, len) == 0)) {
                k++;
            }
            if (k == nopts) {
                snprintf(msg, sizeof msg, "unknown option \"%.*s\"",
                         (int)(len > 40 ? 40 : len), arg);
                return usage_error(c, msg);
            }
            if (!c->opts[k].arg) {
                if (eq) {
                    snprintf(msg, sizeof msg, "option %s takes no value",
                             c->opts[k].name);
                    return usage_error(c, msg);
                }
                a->values[k] = "";
            } else if (eq) {
                a->values[k] = eq + 1;
            } else if (i + 1 < argc) {
                a->values[k] = argv[++i];
            } else {
                snprintf(msg, sizeof msg, "option %s needs a value %s",
                         c->opts[k].name, c->opts[k].arg);
                return usage_error(c, msg);
            }
        } else if (a->pos_count < c->max_pos) {
            a->pos[a->pos_count++] = arg;
        } else {
            snprintf(msg, sizeof msg, "unexpected argument \"%.40s\"", arg);
            return usage_error(c, msg);
        }
    }
    for (size_t k = 0; k < nopts; k++) {
        if (c->opts[k].required && !a->values[k]) {
            snprintf(msg, sizeof msg, "missing option %s %s", c->opts[k].name,
                     c->opts[k].arg);
            return usage_error(c, msg);
        }
    }
    if (a->pos_count < c->min_pos) {
        snprintf(msg, sizeof msg, "missing argument: accord %s %s", c->name,
                 c->synopsis);
        return usage_error(c, msg);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const struct command *c;
    struct ac_cli_args a;
    struct ac_err err;
    enum ac_status st;
    int rc;

    if (argc < 2) {
        print_overview(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("accord %s (event encoding %d)\n", ACCORD_VERSION,
               AC_CODEC_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        if (argc > 2 && strcmp(argv[1], "help") == 0) {
            c = find(argv[2]);
            if (!c) {
                char msg[128];
                snprintf(msg, sizeof msg, "unknown command \"%.40s\"", argv[2]);
                return usage_error(NULL, msg);
            }
            print_help(stdout, c);
            return 0;
        }
        print_overview(stdout);
        return 0;
    }
    c = find(argv[1]);
    if (!c) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown command \"%.40s\"", argv[1]);
        return usage_error(NULL, msg);
    }
    if (wants_help(argc, argv)) {
        print_help(stdout, c);
        return 0;
    }
    rc = parse(c, argc, argv, &a);
    if (rc != 0) {
        return rc;
    }
    if (!ac_secret_init()) {
        fputs("accord: cannot initialise libsodium\n", stderr);
        return exit_codes[AC_ENOMEM];
    }
    ac_err_clear(&err);
    st = c->run(&a, &err);
    if (fflush(stdout) != 0 && st == AC_OK) {
        st = ac_err_set(&err, AC_EIO, "cannot write the output");
    }
    if (st == AC_OK) {
        return 0;
    }
    if (a.usage) {
        return usage_error(c, err.msg[0] ? err.msg : "invalid arguments");
    }
    fprintf(stderr, "accord: %s\n", err.msg[0] ? err.msg : ac_status_name(st));
    if ((size_t)st < sizeof exit_codes / sizeof exit_codes[0]) {
        return exit_codes[st];
    }
    return 1;
}
