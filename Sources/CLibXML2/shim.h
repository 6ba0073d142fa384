// libxml2 (Debian: libxml2-dev), found through pkg-config `libxml-2.0`.
#include <libxml/xmlversion.h>

// Debian builds libxml2 with ICU, so its headers include the system's <unicode/*.h>, whose
// definitions clash with the ICU copy inside Foundation when one Swift file sees both. joorbridge
// never touches ICU converters: it only passes xmlCharEncodingHandler pointers back to libxml2,
// so hiding the ICU-only declarations changes nothing it uses.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/encoding.h>

// libxml2's generic error hook is variadic, which Swift cannot implement: this one does nothing,
// so that libxml2 never prints to stderr by itself. Errors are collected through structured
// error handlers instead.
static inline void joorbridge_xml_ignore_generic_error(void *ctx, const char *msg, ...) {
    (void)ctx; (void)msg;
}

static inline void joorbridge_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, joorbridge_xml_ignore_generic_error);
}

// Refuses every external entity, DTD or XInclude load: joorbridge never reads anything
// an XML file points at.
static inline xmlParserInputPtr joorbridge_xml_refuse_external(const char *url, const char *id,
                                                              xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}

static inline void joorbridge_xml_refuse_external_entities(void) {
    xmlSetExternalEntityLoader(joorbridge_xml_refuse_external);
}
