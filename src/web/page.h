/* page.h - the frame and the small HTML pieces every dashboard page is made
 * of (pages.c): header with navigation, footer, paragraphs, table cells.
 * Text passed in is escaped here. */
#ifndef IOTMON_WEB_PAGE_H
#define IOTMON_WEB_PAGE_H

#include "core/strbuf.h"
#include "web/handler.h"
#include "web/text.h"

/* Starts r as a 200 HTML page titled title; path marks the current
 * navigation entry. */
void page_open(struct web_response *r, const char *path, enum text_id title);
void page_close(struct web_response *r);
void para(struct strbuf *b, const char *s);
void th(struct strbuf *b, enum text_id id);
void td_text(struct strbuf *b, const char *cls, const char *s);
void td_num(struct strbuf *b, const char *cls, unsigned long long v);
void td_dash(struct strbuf *b, const char *cls);
/* <div class="scroll"><table id=ID><tr> ... </table></div>: a wide table
 * scrolls in its box instead of widening the page. */
void table_open(struct strbuf *b, const char *id);
void table_close(struct strbuf *b);

#endif
