/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 cgnat authors
 */

/*
 * The kept configuration versions: DIR/NNNNNN.yaml, the exact text of
 * every configuration applied. cgnat runs as root and the directory is
 * the operator's choice, so nothing here follows a symbolic link or
 * writes where another user could: the directory must be a real one of
 * ours, not writable by group or others; a version is staged as a new
 * temporary file (never opened through a name an attacker prepared),
 * synced, and renamed into place only once the configuration is applied.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgn_app.h"

/* Digits in a version's name: "000042.yaml"; more when it grows. */
#define VERSION_DIGITS 6

static void
vn_name(char *buf, size_t size, uint32_t v, bool tmp)
{
	snprintf(buf, size, "%s%0*" PRIu32 ".yaml%s", tmp ? "." : "",
		 VERSION_DIGITS, v, tmp ? ".tmp" : "");
}

/* The number of a version's file name, or 0. */
static uint32_t
vn_of(const char *name)
{
	unsigned long v;
	char *end;

	if (name[0] < '0' || name[0] > '9')
		return 0;
	errno = 0;
	v = strtoul(name, &end, 10);
	if (errno != 0 || end - name < VERSION_DIGITS || v > UINT32_MAX ||
	    strcmp(end, ".yaml") != 0)
		return 0;
	return (uint32_t)v;
}

static int
vn_dir_open(const char *dir, char *why, size_t why_len)
{
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, why_len, "config_versions.dir: %s: %s", dir,
			 strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(why, why_len, "config_versions.dir: %s must belong "
			 "to uid %u and not be writable by group or others",
			 dir, (unsigned int)geteuid());
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Highest version in the directory (0: none); older than @p below gone. */
static uint32_t
vn_scan(int dirfd, uint32_t below)
{
	struct dirent *de;
	uint32_t max = 0, v;
	DIR *d;
	int fd;

	fd = dup(dirfd);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		v = vn_of(de->d_name);
		if (v == 0)
			continue;
		if (v < below)
			unlinkat(dirfd, de->d_name, 0);
		else
			max = RTE_MAX(max, v);
	}
	closedir(d);
	return max;
}

uint32_t
cgn_versions_newest(const char *dir)
{
	struct cgn_version_tx tx;	/* only for its message buffer */
	uint32_t v;
	int fd;

	if (dir[0] == '\0')
		return 0;
	fd = vn_dir_open(dir, tx.why, sizeof(tx.why));
	if (fd < 0)
		return 0;
	v = vn_scan(fd, 0);
	close(fd);
	return v;
}

static int
vn_write_all(int fd, const char *text, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, text, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		text += w;
		len -= (size_t)w;
	}
	return fsync(fd) != 0 ? -errno : 0;
}

int
cgn_versions_stage(struct cgn_version_tx *tx, const char *dir, uint32_t v,
		   const char *text, size_t len)
{
	char tmp[32];
	int fd, ret;

	memset(tx, 0, sizeof(*tx));
	tx->dirfd = -1;
	tx->version = v;
	if (dir[0] == '\0')
		return 0;		/* versions are not kept */
	ret = vn_dir_open(dir, tx->why, sizeof(tx->why));
	if (ret < 0)
		return ret;
	tx->dirfd = ret;
	vn_name(tmp, sizeof(tmp), v, true);
	/* what is there by that name (a link?) goes, never followed */
	unlinkat(tx->dirfd, tmp, 0);
	fd = openat(tx->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0640);
	ret = fd < 0 ? -errno : vn_write_all(fd, text, len);
	if (fd >= 0)
		close(fd);
	if (ret != 0) {
		snprintf(tx->why, sizeof(tx->why),
			 "config_versions.dir: cannot write %s/%s: %s", dir, tmp,
			 strerror(-ret));
		unlinkat(tx->dirfd, tmp, 0);
		close(tx->dirfd);
		tx->dirfd = -1;
		return ret;
	}
	tx->staged = true;
	return 0;
}

int
cgn_versions_commit(struct cgn_version_tx *tx, uint32_t keep)
{
	char tmp[32], name[32];
	int ret = 0;

	if (!tx->staged)
		return 0;
	vn_name(tmp, sizeof(tmp), tx->version, true);
	vn_name(name, sizeof(name), tx->version, false);
	if (renameat(tx->dirfd, tmp, tx->dirfd, name) != 0) {
		ret = -errno;
		snprintf(tx->why, sizeof(tx->why), "config_versions.dir: "
			 "cannot rename %s: %s", tmp, strerror(errno));
		unlinkat(tx->dirfd, tmp, 0);
	} else {
		fsync(tx->dirfd);	/* the rename itself survives a crash */
		if (keep != 0 && tx->version > keep)
			vn_scan(tx->dirfd, tx->version - keep + 1);
	}
	close(tx->dirfd);
	tx->dirfd = -1;
	tx->staged = false;
	return ret;
}

void
cgn_versions_abort(struct cgn_version_tx *tx)
{
	char tmp[32];

	if (tx->staged) {
		vn_name(tmp, sizeof(tmp), tx->version, true);
		unlinkat(tx->dirfd, tmp, 0);
	}
	if (tx->dirfd >= 0)
		close(tx->dirfd);
	tx->dirfd = -1;
	tx->staged = false;
}
