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

// Width of one wide character (Swift's Glibc module does not expose wcwidth).
static inline int tf_wcwidth(wchar_t c) { return wcwidth(c); }
static inline void tf_setlocale_all(void) { setlocale(LC_ALL, ""); }

#endif
