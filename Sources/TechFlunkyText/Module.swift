// TechFlunkyText — text for a terminal, shared by the TUI and the scripting commands.
//
// Responsibility: making untrusted text safe to show (`TextSanitizer`: escape sequences removed whole, controls made
// visible, bidi controls and invisible separators dropped), measuring it in cells (`DisplayWidth`, by the C library's
// `wcwidth`, the function ncurses measures with), how a grapheme is drawn so every terminal agrees on its width
// (`TerminalGlyph`), fitting it into cells (`TextLayout`: truncate, pad, wrap) and writing numbers, ages, sizes and
// dates (`DisplayFormat`). Pure functions of their input; the only state is the process's LC_CTYPE, set to UTF-8
// once before the first width is measured.
//
// May import: Foundation and the C library only (no ncurses: only the TUI's backend calls it).
