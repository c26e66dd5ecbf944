/* text.c - picks the language table of text.h. */
#include "text.h"

#include <string.h>

static const struct language {
	const char *code;
	const char *const *table;
} languages[] = {
	{"en", text_en},
	{"nl", text_nl},
};

static const char *const *active = text_en;

const char *text_languages(void)
{
	return "en|nl";
}

const char *text(enum text_id id)
{
	const char *s = (unsigned)id < T_COUNT ? active[id] : NULL;

	/* A translation that misses a string falls back to English. */
	return s ? s : text_en[id < T_COUNT ? id : T_DASH];
}

int text_set_language(const char *lang)
{
	for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
		if (strcmp(languages[i].code, lang) == 0) {
			active = languages[i].table;
			return 0;
		}
	return -1;
}
