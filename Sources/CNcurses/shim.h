// ncurses (wide-character build) for `erranalyze top`'s dashboard: Debian's libncursesw.
// Its attributes and some accessors are C macros, which Swift cannot call: wrapped here.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/ncurses.h>

static inline int cn_color_pair(short n) { return (int)COLOR_PAIR(n); }
static inline int cn_a_bold(void) { return (int)A_BOLD; }
static inline int cn_a_reverse(void) { return (int)A_REVERSE; }
static inline int cn_a_dim(void) { return (int)A_DIM; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_attron(int attributes) { return attron(attributes); }
static inline int cn_attroff(int attributes) { return attroff(attributes); }
static inline int cn_mvaddstr(int y, int x, const char *text) { return mvaddstr(y, x, text); }
static inline int cn_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
static inline void cn_timeout(int milliseconds) { timeout(milliseconds); }
static inline int cn_getch(void) { return getch(); }
static inline int cn_erase(void) { return erase(); }
static inline int cn_refresh(void) { return refresh(); }
static inline int cn_clrtoeol(void) { return clrtoeol(); }
