// CNCursesW: ncursesw for Swift. SwiftPM drops the -D flags pkg-config gives, so the
// wide-character API is switched on here. Macros, variadics and the global variables that
// Swift 6 rejects as shared mutable state get typed static-inline wrappers.
#ifndef TECHFLUNKY_CNCURSESW_SHIM_H
#define TECHFLUNKY_CNCURSESW_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Globals.
static inline WINDOW *tf_stdscr(void) { return stdscr; }
static inline int tf_lines(void) { return LINES; }
static inline int tf_cols(void) { return COLS; }
static inline int tf_colors(void) { return COLORS; }
static inline int tf_color_pairs(void) { return COLOR_PAIRS; }
static inline void tf_set_escdelay(int ms) { set_escdelay(ms); }

// Macros.
static inline int tf_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int tf_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline int tf_getcury(WINDOW *w) { return getcury(w); }
static inline int tf_getcurx(WINDOW *w) { return getcurx(w); }
static inline attr_t tf_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline attr_t tf_a_normal(void) { return A_NORMAL; }
static inline attr_t tf_a_bold(void) { return A_BOLD; }
static inline attr_t tf_a_dim(void) { return A_DIM; }
static inline attr_t tf_a_underline(void) { return A_UNDERLINE; }
static inline attr_t tf_a_reverse(void) { return A_REVERSE; }
static inline attr_t tf_a_italic(void) { return A_ITALIC; }
static inline attr_t tf_a_standout(void) { return A_STANDOUT; }

// Key codes used by the input layer.
static inline int tf_key_resize(void) { return KEY_RESIZE; }
static inline int tf_key_mouse(void) { return KEY_MOUSE; }
static inline int tf_key_up(void) { return KEY_UP; }
static inline int tf_key_down(void) { return KEY_DOWN; }
static inline int tf_key_left(void) { return KEY_LEFT; }
static inline int tf_key_right(void) { return KEY_RIGHT; }
static inline int tf_key_home(void) { return KEY_HOME; }
static inline int tf_key_end(void) { return KEY_END; }
static inline int tf_key_npage(void) { return KEY_NPAGE; }
static inline int tf_key_ppage(void) { return KEY_PPAGE; }
static inline int tf_key_backspace(void) { return KEY_BACKSPACE; }
static inline int tf_key_dc(void) { return KEY_DC; }
static inline int tf_key_enter(void) { return KEY_ENTER; }
static inline int tf_key_btab(void) { return KEY_BTAB; }
static inline int tf_key_f(int n) { return KEY_F(n); }
static inline int tf_ok(void) { return OK; }
static inline int tf_err(void) { return ERR; }

// Mouse.
static inline mmask_t tf_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t tf_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t tf_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t tf_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t tf_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t tf_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t tf_button5_pressed(void) { return 0; }
#endif

static inline void tf_setlocale_all(void) { setlocale(LC_ALL, ""); }

// --- Added for the TUI backend (NAME=tui) ---------------------------------------------------------

#include <signal.h>
#include <unistd.h>
#include <string.h>

// Reads one key or character with the window's timeout. Returns ERR (nothing within the timeout),
// OK (a character in *code) or KEY_CODE_YES (a function key in *code).
static inline int tf_get_wch(unsigned int *code) {
    wint_t w = 0;
    int rc = wget_wch(stdscr, &w);
    *code = (unsigned int)w;
    return rc;
}
static inline int tf_key_code_yes(void) { return KEY_CODE_YES; }

// Draws one cell: a grapheme given as up to CCHARW_MAX wide characters (spacing character first).
// If ncurses refuses the combination (a second spacing character such as an emoji modifier), the
// base character is drawn alone so the layout stays right.
static inline int tf_put_cell(int y, int x, const wchar_t *wch, int count, attr_t attrs, int pair) {
    wchar_t buf[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) buf[i] = wch[i];
    buf[n] = L'\0';
    cchar_t c;
    memset(&c, 0, sizeof c);
    if (setcchar(&c, buf, attrs, (short)pair, NULL) != OK) {
        buf[1] = L'\0';
        if (setcchar(&c, buf, attrs, (short)pair, NULL) != OK) return ERR;
    }
    return mvwadd_wch(stdscr, y, x, &c);
}

// Tests: a screen that draws into /dev/null instead of a terminal, so a canvas can be drawn through the backend and
// read back from ncurses' own picture of the screen. Returns the screen (for tf_end_offscreen) or NULL.
static inline SCREEN *tf_start_offscreen(const char *term, int lines, int cols) {
    FILE *out = fopen("/dev/null", "w");
    FILE *in = fopen("/dev/null", "r");
    if (!out || !in) { if (out) fclose(out); if (in) fclose(in); return NULL; }
    SCREEN *s = newterm(term, out, in);
    if (!s) { fclose(out); fclose(in); return NULL; }
    set_term(s);
    resizeterm(lines, cols);
    return s;
}

static inline void tf_end_offscreen(SCREEN *s) {
    endwin();
    delscreen(s);
}

// One row as ncurses holds it: the characters of every cell, the right halves of wide characters skipped.
static inline int tf_row_text(int y, wchar_t *out, int n) {
    return mvwinnwstr(stdscr, y, 0, out, n);
}

// Mouse: the last event's position and button state.
static inline int tf_get_mouse(int *x, int *y, mmask_t *bstate) {
    MEVENT ev;
    memset(&ev, 0, sizeof ev);
    int rc = getmouse(&ev);
    *x = ev.x; *y = ev.y; *bstate = ev.bstate;
    return rc;
}

// Crash signals (SIGSEGV, SIGILL — a Swift runtime trap — SIGTRAP, SIGABRT, SIGBUS, SIGFPE) cannot continue:
// give the terminal back, then re-raise with the default action so the exit status and any core dump stay
// truthful. (Termination requests are handled in Swift: a static variable here would be duplicated in every
// Swift file that calls these inline functions.)
static inline void tf_on_crash_signal(int sig) {
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}
static inline void tf_install_crash_handlers(void) {
    struct sigaction crash;
    memset(&crash, 0, sizeof crash);
    crash.sa_handler = tf_on_crash_signal;
    sigemptyset(&crash.sa_mask);
    crash.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &crash, NULL);
    sigaction(SIGILL, &crash, NULL);
    sigaction(SIGTRAP, &crash, NULL);
    sigaction(SIGABRT, &crash, NULL);
    sigaction(SIGBUS, &crash, NULL);
    sigaction(SIGFPE, &crash, NULL);
}
static inline void tf_restore_default_signal_handlers(void) {
    int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
}


#endif
