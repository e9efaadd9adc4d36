/* webhook.c - POSTing outbox events with libcurl; see webhook.h. */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <sodium.h>

#include "webhook.h"
#include "banned.h"

void webhook_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void webhook_sign(const char *secret, const char *body, size_t len, char out[72])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
    snprintf(out, 72, "sha256=%s", hex);
}

/* The answer's body is not needed: read and dropped. */
static size_t discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
    (void)ptr;
    (void)ud;
    return size * nmemb;
}

int webhook_post(const struct webhook *w, const char *event_id, const char *kind, const char *body,
                 size_t len, char *errbuf, size_t cap)
{
    CURL *curl = curl_easy_init();
    if (!curl) {
        snprintf(errbuf, cap, "curl_easy_init failed");
        return -1;
    }
    char line[256];
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(line, sizeof(line), "X-Zhenwu-Event-Id: %s", event_id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof(line), "X-Zhenwu-Event: %s", kind);
    h = curl_slist_append(h, line);
    if (w->secret && *w->secret) {
        char sig[72];
        webhook_sign(w->secret, body, len, sig);
        snprintf(line, sizeof(line), "X-Zhenwu-Signature: %s", sig);
        h = curl_slist_append(h, line);
    }
    h = curl_slist_append(h, "Expect:");
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, w->url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, w->timeout_s > 0 ? w->timeout_s : 10L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, w->timeout_s > 0 ? w->timeout_s : 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "zhenwu-webhook/1");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr);
    CURLcode cc = curl_easy_perform(curl);
    long status = 0;
    int rc = -1;
    if (cc != CURLE_OK) {
        snprintf(errbuf, cap, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
    } else {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300)
            rc = 0;
        else
            snprintf(errbuf, cap, "HTTP %ld", status);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(curl);
    return rc;
}
