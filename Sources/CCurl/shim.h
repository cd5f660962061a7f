// CCurl: libcurl for Swift. curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are
// variadic, which Swift cannot call: each argument type gets a typed wrapper here.
#ifndef TECHFLUNKY_CCURL_SHIM_H
#define TECHFLUNKY_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode tf_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tf_curl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tf_curl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tf_curl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tf_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*tf_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*tf_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode tf_curl_easy_setopt_write_function(CURL *h, tf_curl_data_callback f) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode tf_curl_easy_setopt_header_function(CURL *h, tf_curl_data_callback f) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }
static inline CURLcode tf_curl_easy_setopt_read_function(CURL *h, tf_curl_data_callback f) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, f); }
static inline CURLcode tf_curl_easy_setopt_xferinfo_function(CURL *h, tf_curl_xferinfo_callback f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }

static inline CURLcode tf_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tf_curl_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tf_curl_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tf_curl_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode tf_curl_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode tf_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

// Constants defined as macros.
static inline long tf_curl_http_version_2tls(void) { return CURL_HTTP_VERSION_2TLS; }
static inline long tf_curl_http_version_1_1(void) { return CURL_HTTP_VERSION_1_1; }
static inline size_t tf_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline long tf_curl_global_all(void) { return CURL_GLOBAL_ALL; }
static inline long tf_curlpipe_multiplex(void) { return CURLPIPE_MULTIPLEX; }
static inline int tf_curl_wait_pollin(void) { return CURL_WAIT_POLLIN; }

#endif
