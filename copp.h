/* copp.h - v0.1.0 - Certified Output Protection Protocol (COPP), driver side.
   No allocation, no globals, no floating point, libc optional.

   QUICK START
       In exactly one .c file:
           #define COPP_IMPLEMENTATION
           #include "copp.h"
       Everywhere else just #include "copp.h".

       copp_connector conn;  copp_session s;   (caller-owned, zero them)
       copp_connector_init(&conn, &desc);      desc: hardware ops, crypto, certificate
       copp_open(&conn, &s);                   COPPOpenVideoSession
       copp_get_certificate_length(&s, &len);  COPPGetCertificateLength
       copp_key_exchange(&s, rgh, cert, cap);  COPPKeyExchange
       copp_sequence_start(&s, sig);           COPPSequenceStart
       copp_command(&s, cmd);                  COPPCommand      (4096-byte DXVA_COPPCommand)
       copp_query_status(&s, in, out);         COPPQueryStatus  (4096-byte in and out)
       copp_close(&s);                         COPPCloseVideoSession
       copp_connector_event(&conn, COPP_STATUS_LINK_LOST);   hot-plug etc.

   CONVENTIONS
       - Every DDI-shaped call returns the exact HRESULT the COPP documentation
         names, as int32_t: COPP_S_OK (0) or a negative value (COPP_E_UNEXPECTED,
         COPP_E_INVALIDARG, COPP_E_POINTER, COPP_DDERR_TOOBIGSIZE, ...), so a
         driver can hand it on unchanged.  The finer reason (bad MAC vs stale
         sequence vs bad size ...) is copp_session_last_reason() and the trace hook.
       - A call that fails changes nothing: no state, no level, no counter, no
         sequence number, no hardware register, no output byte.  The only thing a
         failed call writes is the session's diagnostic last_reason.  No error is
         sticky; COPP applications are told to tear a session down after an error.
         One exception, fail closed: a VIDEOPARAMETERS SET whose vp_set fails
         after it raised a key's ACP level, and whose write lowering it again
         fails too, leaves the hardware at the higher level (every session
         is told COPP_STATUS_LINK_LOST).
       - Binding: the connector keeps its own record of every open session:
         which storage (its address), which opening of it (a 64-bit epoch),
         its state, its local levels, its sequence counters and its latched
         events.  A call on a session is honoured only if its connector lists
         that very storage, in that opening, in the state the session claims;
         otherwise it gets COPP_E_UNEXPECTED (COPP_REASON_NOT_BOUND) and
         changes nothing.  So a closed session, or a byte copy at another
         address, can do nothing; a copy of an earlier opening put back at the
         same address is refused (epochs start at a random value when fresh
         storage is initialized, then only count up: two openings share one
         only by a 1-in-2^64 chance); and an old copy of the same opening put
         back at the same address rolls nothing back: counters, levels and
         events are the connector's.  The connector never reaches a session
         through its record: it reads and writes session storage only through
         the pointer a call on that session passes.
         What copp cannot see (it keeps no global state): storage zeroed or
         freed while open.  Its connector keeps the slot -- levels held, fail
         closed -- until copp_connector_drop_session; the storage, opened
         again (on any connector), is a new session.  copp_open refuses
         storage its own conn says another initialized connector still lists.
         Never move or copy an open copp_session.  Session storage passed to
         copp_open must be zeroed or closed, and a non-NULL conn in it must
         point to a connector's storage.
       - No COPP_ASSERT is reachable through the API, whatever the input or call
         order: the asserts guard internal invariants the binding makes true.
       - Wire integers are little-endian (x86 layout of dxva.h); GUIDs are 16
         bytes in Windows memory order.  Wire blobs are read and written byte by
         byte, never cast to structs, so alignment and host byte order do not matter.
       - Lengths are in bytes.  Buffers are passed in by the caller.
       - Locking: nothing inside copp locks.  Calls on one connector (and on
         all sessions bound to it, and copp_handle_videoparameters and
         copp_connector_resync on it) MUST be serialized by the caller, as a
         miniport's HwVidStartIO already serializes them; a driver that takes
         requests on several threads holds one lock per connector around each
         call.  Different connectors share no state and need no lock between
         them.  A backend object (copp_libtom, copp_openssl, copp_bearssl)
         belongs to one connector.  (make stress checks both rules under
         ThreadSanitizer.)
       - Re-entry: hardware and crypto callbacks and the trace hook MUST NOT
         call into copp.  If one does, the connector is busy: every call on it
         or on a session bound to it returns COPP_E_UNEXPECTED (reason
         COPP_REASON_BUSY; copp_handle_videoparameters COPP_ERROR_BUSY), is
         not traced and changes nothing but that session's last_reason, until
         the running call has returned.  The accessors only read (inside a
         callback they may see the levels before the change).  Other
         connectors are not affected.

   CONFIGURATION (define before including, the same in every translation unit)
       COPP_IMPLEMENTATION   emit the definitions in this translation unit
       COPP_STATIC           every API function is static (private to the TU)
       COPP_API              decoration of declarations/definitions (default extern)
       COPP_NO_STDLIB        include only <stddef.h>/<stdint.h>; built-in byte loops
       COPP_HAVE_TYPES       include no header at all: the build has declared uint8_t,
                             int32_t, uint32_t, uint64_t, uintptr_t, size_t and NULL
                             before copp.h (a kernel's <linux/types.h>)
       COPP_KERNEL           a kernel build: COPP_HAVE_TYPES and COPP_NO_STDLIB (set
                             COPP_MEMCPY/MEMSET to the kernel's; docs/integration.md)
       COPP_ASSERT(x)        programmer-error checks (default assert(), no-op under NO_STDLIB)
       COPP_MEMCPY/MEMSET    define both or neither (e.g. RtlCopyMemory/RtlFillMemory)
       COPP_MAX_SESSIONS     sessions per connector (default 16)
       COPP_MAX_VP_KEYS      live video-port copy-protection keys per connector (default 16)
       COPP_MAC_CTX_BYTES    bytes of keyed-MAC state per session (default 4864,
                             enough for libtomcrypt's omac_state)
       COPP_NO_STRINGS       copp_reason_str()/copp_result_str() return ""
       COPP_WITH_LIBTOM      default crypto backend: RSA on libtommath, AES-CMAC
                             from libtomcrypt (link -ltomcrypt -ltommath)
       COPP_WITH_OPENSSL     fast crypto backend on OpenSSL 3's libcrypto (link -lcrypto)
       COPP_WITH_BEARSSL     allocation-free, constant-time backend on BearSSL 0.6
                             (link -lbearssl, or compile BearSSL's sources in: kernels, firmware)
       COPP_BEARSSL_NO_X86NI never reference BearSSL's AES-NI code (builds without SIMD registers)
       COPP_BEARSSL_NO_I62   never reference BearSSL's i62 RSA code (no 64x64->128 multiply)
       COPP_WITH_APP         application-side helpers (build signatures, commands,
                             status requests; verify replies) for tests and demos;
                             signature building needs COPP_WITH_LIBTOM

   STATE MACHINE  (spec COPP.md section 2; table copp__edges in >>fsm)

       CLOSED --open--> OPENED --get_certificate_length--> CERT_LENGTH_RETURNED
         --key_exchange--> KEY_EXCHANGED --sequence_start--> SESSION_ACTIVE
       SESSION_ACTIVE --command / query_status--> SESSION_ACTIVE
       any open state --close--> CLOSED
       Every other (call, state) pair returns COPP_E_UNEXPECTED and changes nothing.
       A failed sequence start stores nothing and stays KEY_EXCHANGED (a retry
       is allowed); after a successful one, another returns COPP_E_UNEXPECTED.
       Open and close are rows of the table too: it is the only legality check.

   ONE WRITER EACH  (by construction; grep finds one assignment site)
       session state (s->state and the connector's slot)  copp__advance  >>fsm
       latched events (the slots' pending_flags)          copp__leave    >>fsm
                                  (and the status reply that reports them clears them)
       counts[][] (contributors per type and level)       copp__count    >>protect
       applied[] (what the hardware carries)               copp__apply    >>protect
       copp__apply is the one apply step of every command, open, close,
       video-port key and resync; copp__enter / copp__leave are the one entry
       (binding, edge, busy) and exit (reason, events, the one trace record)
       of every call.

   SECTIONS   grep -n '>>' copp.h
*/
#ifndef COPP_H_INCLUDED
#define COPP_H_INCLUDED

/* >>config ----------------------------------------------------------------- */

#ifdef COPP_KERNEL
#ifndef COPP_HAVE_TYPES
#define COPP_HAVE_TYPES
#endif
#ifndef COPP_NO_STDLIB
#define COPP_NO_STDLIB
#endif
#endif
#ifndef COPP_HAVE_TYPES
#include <stddef.h>
#include <stdint.h>
#endif

#ifndef COPP_API
#ifdef COPP_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define COPP_API static __attribute__((unused)) /* a TU need not call every function */
#else
#define COPP_API static
#endif
#else
#define COPP_API extern
#endif
#endif

#ifndef COPP_MAX_SESSIONS
#define COPP_MAX_SESSIONS 16
#endif
#if COPP_MAX_SESSIONS < 1
#error "COPP_MAX_SESSIONS must be at least 1"
#endif

#ifndef COPP_MAX_VP_KEYS
#define COPP_MAX_VP_KEYS 16
#endif
#if COPP_MAX_VP_KEYS < 1
#error "COPP_MAX_VP_KEYS must be at least 1"
#endif

#ifndef COPP_MAC_CTX_BYTES
#define COPP_MAC_CTX_BYTES 4864
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* >>results ---------------------------------------------------------------- */

/* HRESULT values (spec section 3).  COPP__HRESULT_FAIL turns the documented
 * 32-bit pattern of a failure code into a negative int32_t without relying on
 * implementation-defined conversions. */
#define COPP__HRESULT_FAIL(u) ((int32_t)((uint32_t)(u) - 0x80000000u) + (-0x7FFFFFFF - 1))
#define COPP_S_OK                    ((int32_t)0)
#define COPP_E_UNEXPECTED            COPP__HRESULT_FAIL(0x8000FFFFu)
#define COPP_E_INVALIDARG            COPP__HRESULT_FAIL(0x80070057u)
#define COPP_E_POINTER               COPP__HRESULT_FAIL(0x80004003u)
#define COPP_E_OUTOFMEMORY           COPP__HRESULT_FAIL(0x8007000Eu)
#define COPP_E_FAIL                  COPP__HRESULT_FAIL(0x80004005u)
#define COPP_DDERR_TOOBIGSIZE        COPP__HRESULT_FAIL(0x887601E0u)
#define COPP_DDERR_UNSUPPORTEDMODE   COPP__HRESULT_FAIL(0x8876024Eu)
#define COPP_DDERR_CURRENTLYNOTAVAIL COPP__HRESULT_FAIL(0x88760028u)

/* NTSTATUS values of the OPM entry points (OPM.md section 3): what a WDDM
 * miniport's DxgkDdiOPM* function or an IddCx EvtIddCxMonitorOPM* callback
 * returns, as int32_t.  Success is COPP_STATUS_SUCCESS (0); every failure is
 * negative (NT_SUCCESS(x) is x >= 0).  Names are the ntstatus.h names behind
 * COPP_; which code each OPM failure returns is listed at every entry point
 * and in docs/opm-core.md.  (Not to be confused with COPP_STATUS_NORMAL /
 * _LINK_LOST / _RENEGOTIATION_REQUIRED: COPP's dwFlags bits.) */
#define COPP_STATUS_SUCCESS                ((int32_t)0)
#define COPP_STATUS_INVALID_PARAMETER      COPP__HRESULT_FAIL(0xC000000Du)
#define COPP_STATUS_NO_MEMORY              COPP__HRESULT_FAIL(0xC0000017u)
#define COPP_STATUS_BUFFER_TOO_SMALL       COPP__HRESULT_FAIL(0xC0000023u)
#define COPP_STATUS_NOT_SUPPORTED          COPP__HRESULT_FAIL(0xC00000BBu)
#define COPP_STATUS_INVALID_DEVICE_STATE   COPP__HRESULT_FAIL(0xC0000184u)
#define COPP_STATUS_GRAPHICS_OPM_NOT_SUPPORTED                    COPP__HRESULT_FAIL(0xC01E0500u)
#define COPP_STATUS_GRAPHICS_COPP_NOT_SUPPORTED                   COPP__HRESULT_FAIL(0xC01E0501u)
#define COPP_STATUS_GRAPHICS_UAB_NOT_SUPPORTED                    COPP__HRESULT_FAIL(0xC01E0502u)
#define COPP_STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS     COPP__HRESULT_FAIL(0xC01E0503u)
#define COPP_STATUS_GRAPHICS_OPM_PARAMETER_ARRAY_TOO_SMALL        COPP__HRESULT_FAIL(0xC01E0504u)
#define COPP_STATUS_GRAPHICS_OPM_NO_PROTECTED_OUTPUTS_EXIST       COPP__HRESULT_FAIL(0xC01E0505u)
#define COPP_STATUS_GRAPHICS_OPM_INVALID_POINTER                  COPP__HRESULT_FAIL(0xC01E050Au)
#define COPP_STATUS_GRAPHICS_OPM_INTERNAL_ERROR                   COPP__HRESULT_FAIL(0xC01E050Bu)
#define COPP_STATUS_GRAPHICS_OPM_INVALID_HANDLE                   COPP__HRESULT_FAIL(0xC01E050Cu)
#define COPP_STATUS_GRAPHICS_PVP_INVALID_CERTIFICATE_LENGTH       COPP__HRESULT_FAIL(0xC01E050Eu)
#define COPP_STATUS_GRAPHICS_OPM_SPANNING_MODE_ENABLED            COPP__HRESULT_FAIL(0xC01E050Fu)
#define COPP_STATUS_GRAPHICS_OPM_THEATER_MODE_ENABLED             COPP__HRESULT_FAIL(0xC01E0510u)
#define COPP_STATUS_GRAPHICS_PVP_HFS_FAILED                       COPP__HRESULT_FAIL(0xC01E0511u)
#define COPP_STATUS_GRAPHICS_OPM_INVALID_SRM                      COPP__HRESULT_FAIL(0xC01E0512u)
#define COPP_STATUS_GRAPHICS_OPM_OUTPUT_DOES_NOT_SUPPORT_HDCP     COPP__HRESULT_FAIL(0xC01E0513u)
#define COPP_STATUS_GRAPHICS_OPM_OUTPUT_DOES_NOT_SUPPORT_ACP      COPP__HRESULT_FAIL(0xC01E0514u)
#define COPP_STATUS_GRAPHICS_OPM_OUTPUT_DOES_NOT_SUPPORT_CGMSA    COPP__HRESULT_FAIL(0xC01E0515u)
#define COPP_STATUS_GRAPHICS_OPM_HDCP_SRM_NEVER_SET               COPP__HRESULT_FAIL(0xC01E0516u)
#define COPP_STATUS_GRAPHICS_OPM_RESOLUTION_TOO_HIGH              COPP__HRESULT_FAIL(0xC01E0517u)
#define COPP_STATUS_GRAPHICS_OPM_ALL_HDCP_HARDWARE_ALREADY_IN_USE COPP__HRESULT_FAIL(0xC01E0518u)
#define COPP_STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_NO_LONGER_EXISTS COPP__HRESULT_FAIL(0xC01E051Au)
#define COPP_STATUS_GRAPHICS_OPM_SESSION_TYPE_CHANGE_IN_PROGRESS  COPP__HRESULT_FAIL(0xC01E051Bu)
#define COPP_STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS COPP__HRESULT_FAIL(0xC01E051Cu)
#define COPP_STATUS_GRAPHICS_OPM_INVALID_INFORMATION_REQUEST      COPP__HRESULT_FAIL(0xC01E051Du)
#define COPP_STATUS_GRAPHICS_OPM_DRIVER_INTERNAL_ERROR            COPP__HRESULT_FAIL(0xC01E051Eu)
#define COPP_STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_OPM_SEMANTICS COPP__HRESULT_FAIL(0xC01E051Fu)
#define COPP_STATUS_GRAPHICS_OPM_SIGNALING_NOT_SUPPORTED          COPP__HRESULT_FAIL(0xC01E0520u)
#define COPP_STATUS_GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST    COPP__HRESULT_FAIL(0xC01E0521u)

/* Reasons: why a call failed, finer than its HRESULT.  name, value, HRESULT
 * of the DDI-shaped calls, Win32 status copp_handle_videoparameters returns
 * for it (0u: that call never records the reason), text.  Values are
 * append-only.  COPP_REASON_HW_FAILED and
 * COPP_REASON_CRYPTO_FAILED return the callback's own negative HRESULT (or
 * COPP_E_FAIL when the callback returned a positive value). */
#define COPP__REASONS(X) \
    X(NONE,                0, COPP_S_OK,             COPP_NO_ERROR,                "success") \
    X(NULL_POINTER,        1, COPP_E_POINTER,        COPP_ERROR_INVALID_PARAMETER, "a required pointer is NULL") \
    X(BAD_STATE,           2, COPP_E_UNEXPECTED,     COPP_ERROR_INVALID_PARAMETER, "call not allowed in the session's state (or connector not initialized)") \
    X(BAD_CONFIG,          3, COPP_E_INVALIDARG,     0u,                           "connector description incomplete or inconsistent") \
    X(NO_SLOT,             4, COPP_E_OUTOFMEMORY,    0u,                           "connector already has COPP_MAX_SESSIONS sessions") \
    X(BUFFER_TOO_SMALL,    5, COPP_E_INVALIDARG,     0u,                           "certificate buffer smaller than the certificate") \
    X(BAD_CIPHERTEXT,      6, COPP_E_UNEXPECTED,     0u,                           "signature is not a valid ciphertext (>= modulus, or bad padding)") \
    X(SHORT_PLAINTEXT,     7, COPP_E_UNEXPECTED,     0u,                           "decrypted start sequence shorter than 40 bytes") \
    X(RANDOM_MISMATCH,     8, COPP_E_UNEXPECTED,     0u,                           "rGH in the start sequence differs from the one handed out") \
    X(BAD_SEQUENCE,        9, COPP_E_INVALIDARG,     0u,                           "dwSequence is not the expected sequence number") \
    X(UNKNOWN_GUID,       10, COPP_E_INVALIDARG,     0u,                           "unknown command or status request GUID") \
    X(BAD_SIZE,           11, COPP_E_INVALIDARG,     0u,                           "cbSizeData outside the limits for this GUID") \
    X(BAD_MAC,            12, COPP_E_UNEXPECTED,     0u,                           "macKDI does not match the command") \
    X(BAD_PROTECTION_TYPE,13, COPP_E_INVALIDARG,     0u,                           "protection type is not exactly one type the connector supports") \
    X(BAD_LEVEL,          14, COPP_E_INVALIDARG,     0u,                           "protection level not valid for its type") \
    X(BAD_SIGNALING,      15, COPP_E_INVALIDARG,     0u,                           "signaling parameters invalid for this connector") \
    X(NOT_SUPPORTED,      16, COPP_E_INVALIDARG,     COPP_ERROR_INVALID_PARAMETER, "the connector does not support this request") \
    X(MODE_TOO_BIG,       17, COPP_DDERR_TOOBIGSIZE, COPP_ERROR_NOT_SUPPORTED,     "the current display mode cannot carry this protection") \
    X(HW_FAILED,          18, COPP_E_FAIL,           COPP_ERROR_GEN_FAILURE,       "hardware callback failed") \
    X(CRYPTO_FAILED,      19, COPP_E_FAIL,           COPP_ERROR_GEN_FAILURE,       "crypto backend failed") \
    X(BAD_VIDEOPARAMETERS,20, COPP_E_INVALIDARG,     COPP_ERROR_INVALID_PARAMETER, "VIDEOPARAMETERS: wrong Guid, dwCommand or dwCPCommand") \
    X(BAD_KEY,            21, COPP_E_INVALIDARG,     COPP_ERROR_INVALID_PARAMETER, "VIDEOPARAMETERS: dwCPKey is not a live copy-protection key") \
    X(NO_KEY_SLOT,        22, COPP_E_OUTOFMEMORY,    COPP_ERROR_NOT_ENOUGH_MEMORY, "connector already holds COPP_MAX_VP_KEYS live keys") \
    X(NOT_BOUND,          23, COPP_E_UNEXPECTED,     0u,                           "session not listed by its connector in the state it claims (stale, copied or re-initialised)") \
    X(CONNECTOR_IN_USE,   24, COPP_E_UNEXPECTED,     0u,                           "connector still has open sessions or live video-port keys (close them first), or its hardware was left at a level copp could not lower (resync first)") \
    X(BUSY,               25, COPP_E_UNEXPECTED,     COPP_ERROR_BUSY,              "called from a callback or the trace hook of a call running on the same connector (not allowed; nothing done)") \
    X(NEEDS_OPM_SEMANTICS,26, COPP_E_INVALIDARG,     0u,                           "OPM: the call, request, command, type, level or additional parameters need OPM semantics; the protected output has COPP semantics") \
    X(NEEDS_COPP_SEMANTICS,27,COPP_E_INVALIDARG,     0u,                           "OPM: the call, request, command, type or level needs COPP semantics; the protected output has OPM semantics") \
    X(BAD_ENCRYPTED_PARAMETERS,28,COPP_E_UNEXPECTED, 0u,                           "OPM: the encrypted initialization parameters do not decrypt, decode or match (one reason for every such failure: no padding oracle)") \
    X(OUTPUT_LACKS_HDCP,  29, COPP_E_INVALIDARG,     0u,                           "OPM: the connector has no HDCP") \
    X(OUTPUT_LACKS_ACP,   30, COPP_E_INVALIDARG,     0u,                           "OPM: the connector has no ACP") \
    X(OUTPUT_LACKS_CGMSA, 31, COPP_E_INVALIDARG,     0u,                           "OPM: the connector has no CGMS-A") \
    X(SRM_NEVER_SET,      32, COPP_E_INVALIDARG,     0u,                           "OPM: HDCP SRM version asked before this protected output set an SRM") \
    X(INVALID_SRM,        33, COPP_E_INVALIDARG,     0u,                           "OPM: the SRM is invalid or its version is not ulSRMVersion") \
    X(HFS_FAILED,         34, COPP_E_FAIL,           0u,                           "OPM: the hardware functionality scan failed (the opm ready hook)") \
    X(SIGNALING_NOT_SUPPORTED,35,COPP_E_INVALIDARG,  0u,                           "OPM: the connector has no ACP/CGMS-A signaling (no TV protection standard)") \
    X(SEMANTICS_NOT_SUPPORTED,36,COPP_E_INVALIDARG,  0u,                           "OPM: the adapter does not serve protected outputs of this semantics (no OAEP backend, certificate or permission)") \
    X(NO_CERTIFICATE,     37, COPP_E_INVALIDARG,     0u,                           "OPM: no certificate registered for this certificate type") \
    X(BAD_ARGUMENT,       38, COPP_E_INVALIDARG,     0u,                           "OPM: a value outside its enumeration, or a wrapper Size that is not the structure's") \
    X(HDCP_BUSY,          39, COPP_DDERR_CURRENTLYNOTAVAIL, 0u,                    "OPM: every HDCP engine is in use on other outputs (set_protection returned DDERR_CURRENTLYNOTAVAIL)")

enum {
#define COPP__X(name, value, hr, win32, text) COPP_REASON_##name = value,
    COPP__REASONS(COPP__X)
#undef COPP__X
    COPP_REASON_COUNT_
};

/* NTSTATUS values the result map gives (ntstatus.h; spec OPM.md section 3),
 * as int32_t like the HRESULTs. */
#define COPP_NTSTATUS_SUCCESS            ((int32_t)0)
#define COPP_NTSTATUS_UNSUCCESSFUL       COPP__HRESULT_FAIL(0xC0000001u)
#define COPP_NTSTATUS_INVALID_PARAMETER  COPP__HRESULT_FAIL(0xC000000Du)
#define COPP_NTSTATUS_NO_MEMORY          COPP__HRESULT_FAIL(0xC0000017u)
#define COPP_NTSTATUS_DEVICE_NOT_READY   COPP__HRESULT_FAIL(0xC00000A3u)
#define COPP_NTSTATUS_NOT_SUPPORTED      COPP__HRESULT_FAIL(0xC00000BBu)
#define COPP_NTSTATUS_INVALID_DEVICE_STATE COPP__HRESULT_FAIL(0xC0000184u)
#define COPP_NTSTATUS_DEVICE_BUSY        COPP__HRESULT_FAIL(0x80000011u) /* severity warning */
#define COPP_NTSTATUS_GRAPHICS_OPM_RESOLUTION_TOO_HIGH COPP__HRESULT_FAIL(0xC01E0517u)

/* HRESULT_FROM_WIN32 of a Win32 code w (1..65535): 0x8007xxxx. */
#define COPP__HR_WIN32(w) COPP__HRESULT_FAIL(0x80070000u | (uint32_t)(w))

/* The result map: every HRESULT copp returns, and HRESULT_FROM_WIN32 of every
 * Win32 code copp_handle_videoparameters returns, with the Linux errno
 * (returned negated by copp_hresult_to_errno) and the NTSTATUS
 * (copp_hresult_to_ntstatus) a driver in those worlds hands on.  Columns:
 * HRESULT, errno name, NTSTATUS, when copp returns it.  E_UNEXPECTED ->
 * STATUS_INVALID_DEVICE_STATE follows the Recommendation of OPM.md 2.3;
 * DDERR_TOOBIGSIZE -> STATUS_GRAPHICS_OPM_RESOLUTION_TOO_HIGH is OPM's code
 * for the same condition (OPM.md 3).  E_INVALIDARG is also
 * HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER). */
#define COPP__RESULT_MAP(X) \
    X(COPP_S_OK,                    0,          COPP_NTSTATUS_SUCCESS,            "success; HRESULT_FROM_WIN32(NO_ERROR)") \
    X(COPP_E_UNEXPECTED,            EPROTO,     COPP_NTSTATUS_INVALID_DEVICE_STATE, "call out of order, bad MAC, bad signature, stale or busy session") \
    X(COPP_E_INVALIDARG,            EINVAL,     COPP_NTSTATUS_INVALID_PARAMETER,  "bad sequence number, size, GUID, type, level, signaling, config; = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)") \
    X(COPP_E_POINTER,               EFAULT,     COPP_NTSTATUS_INVALID_PARAMETER,  "a required pointer is NULL") \
    X(COPP_E_OUTOFMEMORY,           ENOMEM,     COPP_NTSTATUS_NO_MEMORY,          "no free session or key slot; the crypto library could not allocate") \
    X(COPP_E_FAIL,                  EIO,        COPP_NTSTATUS_UNSUCCESSFUL,       "a callback or the crypto library failed") \
    X(COPP_DDERR_TOOBIGSIZE,        EOPNOTSUPP, COPP_NTSTATUS_GRAPHICS_OPM_RESOLUTION_TOO_HIGH, "the display mode cannot carry the protection") \
    X(COPP_DDERR_UNSUPPORTEDMODE,   EOPNOTSUPP, COPP_NTSTATUS_NOT_SUPPORTED,      "a callback's own: the mode has no COPP") \
    X(COPP_DDERR_CURRENTLYNOTAVAIL, EAGAIN,     COPP_NTSTATUS_DEVICE_NOT_READY,   "a callback's own: the hardware is not available now") \
    X(COPP__HR_WIN32(COPP_ERROR_NOT_ENOUGH_MEMORY), ENOMEM, COPP_NTSTATUS_NO_MEMORY, "VIDEOPARAMETERS: every key slot is live") \
    X(COPP__HR_WIN32(COPP_ERROR_GEN_FAILURE),       EIO,    COPP_NTSTATUS_UNSUCCESSFUL, "VIDEOPARAMETERS: a hardware or RNG callback failed") \
    X(COPP__HR_WIN32(COPP_ERROR_NOT_SUPPORTED),     EOPNOTSUPP, COPP_NTSTATUS_NOT_SUPPORTED, "VIDEOPARAMETERS: the mode cannot carry the ACP level") \
    X(COPP__HR_WIN32(COPP_ERROR_BUSY),              EBUSY,  COPP_NTSTATUS_DEVICE_BUSY, "VIDEOPARAMETERS: called from a callback of this connector")

/* copp_hresult_from_win32 -- HRESULT_FROM_WIN32: 0 for COPP_NO_ERROR, else
 * 0x80070000 | (w & 0xFFFF) as int32_t.  For the Win32 status of
 * copp_handle_videoparameters, before copp_hresult_to_errno / _to_ntstatus. */
COPP_API int32_t copp_hresult_from_win32(uint32_t w);
/* copp_hresult_to_errno -- the Linux errno for a copp result, negated (0 for
 * success), by the errno column of COPP__RESULT_MAP: -EPROTO, -EINVAL,
 * -EFAULT, -ENOMEM, -EIO, -EOPNOTSUPP, -EAGAIN, -EBUSY.  The numbers are the
 * errno macros visible where the implementation is compiled (<errno.h>; a
 * kernel build includes <linux/errno.h> first), else Linux's generic ones
 * (EIO 5, EAGAIN 11, ENOMEM 12, EFAULT 14, EBUSY 16, EINVAL 22, EPROTO 71,
 * EOPNOTSUPP 95).  Any other HRESULT (a callback's own): -EIO when it is a
 * failure (negative), 0 when it is a success. */
COPP_API int copp_hresult_to_errno(int32_t hr);
/* copp_hresult_to_ntstatus -- the NTSTATUS for a copp result, by the NTSTATUS
 * column of COPP__RESULT_MAP (COPP_NTSTATUS_*).  Any other HRESULT (a
 * callback's own): the NTSTATUS inside an HRESULT_FROM_NT value (FACILITY_NT
 * bit 0x10000000 set, severity error), else STATUS_UNSUCCESSFUL for a
 * failure and STATUS_SUCCESS for a success. */
COPP_API int32_t copp_hresult_to_ntstatus(int32_t hr);

/* >>types ------------------------------------------------------------------ */

/* Session states.  CLOSED = 0 so a zeroed session is closed; the next four
 * are the DDK sample's COPP_OPENED .. COPP_SESSION_ACTIVE (spec section 2). */
#define COPP_STATE_CLOSED               0u
#define COPP_STATE_OPENED               1u
#define COPP_STATE_CERT_LENGTH_RETURNED 2u
#define COPP_STATE_KEY_EXCHANGED        3u
#define COPP_STATE_SESSION_ACTIVE       4u
/* Protected-output states (OPM.md 2.1, names INFER there): a protected
 * output is a session of a second kind on the same connector slots; its
 * states are numbered after COPP's so that one transition table holds both
 * kinds.  A destroyed output is COPP_STATE_CLOSED. */
#define COPP_STATE_PO_CREATED           5u
#define COPP_STATE_PO_RANDOM_ISSUED     6u
#define COPP_STATE_PO_ACTIVE            7u

/* Wire sizes and offsets (spec sections 5 and 9.12). */
#define COPP_SIGNATURE_BYTES     256u  /* DXVA_COPPSignature */
#define COPP_COMMAND_BYTES       4096u /* DXVA_COPPCommand */
#define COPP_STATUS_INPUT_BYTES  4096u /* DXVA_COPPStatusInput */
#define COPP_STATUS_OUTPUT_BYTES 4096u /* DXVA_COPPStatusOutput */
#define COPP_DATA_BYTES          4056u /* CommandData / StatusData */
#define COPP_REPLY_BYTES         4076u /* COPPStatus */
#define COPP_MAC_BYTES           16u   /* macKDI */
#define COPP_GUID_BYTES          16u
#define COPP_RANDOM_BYTES        16u   /* rGH, rApp */
#define COPP_KEY_BYTES           16u   /* kDI */
#define COPP_START_SEQUENCE_BYTES 40u  /* rGH | kDI | status start | command start */
#define COPP_MACED_OFFSET        16u   /* MACs cover bytes 16..4095 */
#define COPP_MACED_BYTES         4080u

#define COPP_CMD_OFF_MACKDI        0u  /* DXVA_COPPCommand.macKDI */
#define COPP_CMD_OFF_GUIDCOMMANDID 16u /* .guidCommandID */
#define COPP_CMD_OFF_DWSEQUENCE    32u /* .dwSequence */
#define COPP_CMD_OFF_CBSIZEDATA    36u /* .cbSizeData */
#define COPP_CMD_OFF_COMMANDDATA   40u /* .CommandData */
#define COPP_STIN_OFF_RAPP         0u  /* DXVA_COPPStatusInput.rApp */
#define COPP_STIN_OFF_GUIDSTATUSREQUESTID 16u
#define COPP_STIN_OFF_DWSEQUENCE   32u
#define COPP_STIN_OFF_CBSIZEDATA   36u
#define COPP_STIN_OFF_STATUSDATA   40u
#define COPP_STOUT_OFF_MACKDI      0u  /* DXVA_COPPStatusOutput.macKDI */
#define COPP_STOUT_OFF_CBSIZEDATA  16u
#define COPP_STOUT_OFF_COPPSTATUS  20u

/* Fields of the reply structures in COPPStatus, as offsets from its start
 * (add COPP_STOUT_OFF_COPPSTATUS for the output buffer; spec 5.7 - 5.10). */
#define COPP_REPLY_OFF_RAPP            0u  /* every reply: the request's rApp */
#define COPP_REPLY_OFF_DWFLAGS         16u /* every reply: COPP_STATUS_* */
#define COPP_REPLY_OFF_DWDATA          20u /* DXVA_COPPStatusData.dwData */
#define COPP_REPLY_OFF_DISPLAYWIDTH    20u /* DXVA_COPPStatusDisplayData */
#define COPP_REPLY_OFF_DISPLAYHEIGHT   24u
#define COPP_REPLY_OFF_FORMAT          28u
#define COPP_REPLY_OFF_D3DFORMAT       32u
#define COPP_REPLY_OFF_FREQNUMERATOR   36u
#define COPP_REPLY_OFF_FREQDENOMINATOR 40u
#define COPP_REPLY_OFF_DWHDCPFLAGS     20u /* DXVA_COPPStatusHDCPKeyData */
#define COPP_REPLY_OFF_BKEY            24u /* 16 bytes: the KSV in bytes 0..4 (A14) */
#define COPP_REPLY_OFF_AVAILABLETVPROTECTIONSTANDARDS 20u /* DXVA_COPPStatusSignalingCmdData */
#define COPP_REPLY_OFF_ACTIVETVPROTECTIONSTANDARD     24u
#define COPP_REPLY_OFF_TVTYPE                         28u
#define COPP_REPLY_OFF_ASPECTRATIOVALIDMASK1          32u /* Mask i at 32 + 8 (i - 1) */
#define COPP_REPLY_OFF_ASPECTRATIODATA1               36u /* Data i at 36 + 8 (i - 1) */

/* Reply sizes (cbSizeData of the status output, spec 5.7 - 5.10). */
#define COPP_STATUS_DATA_BYTES          32u /* DXVA_COPPStatusData */
#define COPP_STATUS_DISPLAY_DATA_BYTES  44u /* DXVA_COPPStatusDisplayData */
#define COPP_STATUS_HDCP_KEY_DATA_BYTES 72u /* DXVA_COPPStatusHDCPKeyData */
#define COPP_STATUS_SIGNALING_BYTES     88u /* DXVA_COPPStatusSignalingCmdData */
#define COPP_SET_PROTECTION_LEVEL_BYTES 16u /* DXVA_COPPSetProtectionLevelCmdData */
#define COPP_SET_SIGNALING_BYTES        64u /* DXVA_COPPSetSignalingCmdData */

/* DirectX VA function codes (DD_RENDERMOCOMPDATA.dwFunction, spec 1.1). */
#define COPP_FNCODE_GET_CERTIFICATE_LENGTH 0x01u
#define COPP_FNCODE_KEY_EXCHANGE           0x02u
#define COPP_FNCODE_SEQUENCE_START         0x03u
#define COPP_FNCODE_COMMAND                0x04u
#define COPP_FNCODE_QUERY_STATUS           0x05u

/* The DDK sample's private IOCTLs (spec 1.1); drivers may define their own. */
#define COPP_IOCTL_OPEN_DEVICE            0x00232238u
#define COPP_IOCTL_CLOSE_DEVICE           0x0023223Cu
#define COPP_IOCTL_GET_CERTIFICATE_LENGTH 0x00232240u
#define COPP_IOCTL_KEY_EXCHANGE           0x00232244u
#define COPP_IOCTL_START_SEQUENCE         0x00232248u
#define COPP_IOCTL_COMMAND                0x0023224Cu
#define COPP_IOCTL_STATUS                 0x00232250u

/* GUIDs, as the 16 bytes found on the wire (Windows memory order, spec 6).
 * Use as an initializer: static const uint8_t g[16] = COPP_GUID_DXVA_COPPDevice; */
#define COPP_GUID_DXVA_COPPDevice \
    {0xDD,0x7A,0x45,0xD2,0x99,0x89,0xED,0x45,0x8A,0x8A,0xD1,0xAA,0x04,0x7B,0xA4,0xD5}
#define COPP_GUID_DXVA_COPPSetProtectionLevel \
    {0x7C,0x32,0xB9,0x9B,0xB5,0x4E,0x27,0x47,0x9F,0x00,0xB4,0x2B,0x09,0x19,0xC0,0xDA}
#define COPP_GUID_DXVA_COPPSetSignaling \
    {0xA5,0x31,0xA6,0x09,0x84,0xD6,0x60,0x4C,0x8E,0x4D,0xD3,0xBB,0x0F,0x0B,0xE3,0xEE}
#define COPP_GUID_DXVA_COPPQueryConnectorType \
    {0xD5,0xBF,0xD0,0x81,0xFE,0x6A,0xC2,0x48,0x99,0xC0,0x95,0xA0,0x8F,0x97,0xC5,0xDA}
#define COPP_GUID_DXVA_COPPQueryProtectionType \
    {0x01,0xA8,0xF2,0x38,0x6C,0x9A,0xBB,0x48,0x91,0x07,0xB6,0x69,0x6E,0x6F,0x17,0x97}
#define COPP_GUID_DXVA_COPPQueryLocalProtectionLevel \
    {0x57,0x58,0x07,0xB2,0xDA,0x3E,0x5D,0x4D,0x88,0xDB,0x74,0x8F,0x8C,0x1A,0x05,0x49}
#define COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel \
    {0x0A,0x21,0x57,0x19,0x66,0x77,0x2A,0x45,0xB9,0x9A,0xD2,0x7A,0xED,0x54,0xF0,0x3A}
#define COPP_GUID_DXVA_COPPQueryDisplayData \
    {0xA3,0x1B,0xBF,0xD7,0x13,0xAD,0x8E,0x4F,0xAF,0x98,0x0D,0xCB,0x3C,0xA2,0x04,0xCC}
#define COPP_GUID_DXVA_COPPQueryHDCPKeyData \
    {0x74,0x9D,0xB5,0x0D,0x92,0xA9,0x2E,0x49,0xA0,0xBD,0xC2,0x3F,0xDA,0x56,0x4E,0x00}
#define COPP_GUID_DXVA_COPPQueryBusData \
    {0x73,0xD6,0xF4,0xC6,0x74,0x61,0x84,0x41,0x8E,0x35,0xF6,0xDB,0x52,0x00,0xBC,0xBA}
#define COPP_GUID_DXVA_COPPQuerySignaling \
    {0x91,0xA5,0x29,0x66,0x79,0x3B,0xF3,0x4C,0x92,0x4A,0x11,0xE8,0xE7,0x81,0x16,0x71}

/* Protection types (dxva.h values, spec 9.1).  DPCP is not supported (A16). */
#define COPP_PROTECTION_TYPE_NONE     0x00000000u
#define COPP_PROTECTION_TYPE_HDCP     0x00000001u
#define COPP_PROTECTION_TYPE_ACP      0x00000002u
#define COPP_PROTECTION_TYPE_CGMSA    0x00000004u
#define COPP_PROTECTION_TYPE_UNKNOWN  0x80000000u
#define COPP_PROTECTION_TYPE_MASK     0x80000007u
#define COPP_PROTECTION_TYPE_RESERVED 0x7FFFFFF8u

/* Levels (spec 9.1 - 9.4). */
#define COPP_LEVEL_NOT_AVAILABLE 0xFFFFFFFFu /* COPP_NoProtectionLevelAvailable: only ever reported */
#define COPP_LEVEL_DEFAULT       0u
#define COPP_ACP_LEVEL_0         0u
#define COPP_ACP_LEVEL_1         1u
#define COPP_ACP_LEVEL_2         2u
#define COPP_ACP_LEVEL_3         3u
#define COPP_HDCP_LEVEL_0        0u
#define COPP_HDCP_LEVEL_1        1u
#define COPP_CGMSA_DISABLED            0u
#define COPP_CGMSA_COPY_FREELY         1u
#define COPP_CGMSA_COPY_NO_MORE        2u
#define COPP_CGMSA_COPY_ONE_GENERATION 3u
#define COPP_CGMSA_COPY_NEVER          4u
#define COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED 0x08u /* flag OR-ed onto a level */
#define COPP_CGMSA_LEVEL_MAX           0x0Cu

/* Connector types (spec 9.5). */
#define COPP_CONNECTOR_TYPE_UNKNOWN         0xFFFFFFFFu
#define COPP_CONNECTOR_TYPE_VGA             0u
#define COPP_CONNECTOR_TYPE_SVIDEO          1u
#define COPP_CONNECTOR_TYPE_COMPOSITE_VIDEO 2u
#define COPP_CONNECTOR_TYPE_COMPONENT_VIDEO 3u
#define COPP_CONNECTOR_TYPE_DVI             4u
#define COPP_CONNECTOR_TYPE_HDMI            5u
#define COPP_CONNECTOR_TYPE_LVDS            6u
#define COPP_CONNECTOR_TYPE_TMDS            7u
#define COPP_CONNECTOR_TYPE_D_JPN           8u
#define COPP_CONNECTOR_TYPE_INTERNAL        0x80000000u /* flag */

/* Bus types (spec 9.6). */
#define COPP_BUS_TYPE_UNKNOWN     0u
#define COPP_BUS_TYPE_PCI         1u
#define COPP_BUS_TYPE_PCIX        2u
#define COPP_BUS_TYPE_PCIEXPRESS  3u
#define COPP_BUS_TYPE_AGP         4u
#define COPP_BUS_TYPE_INTEGRATED  0x80000000u /* flag */

/* TV protection standards (spec 9.7). */
#define COPP_PROTECTION_STANDARD_NONE                0x00000000u
#define COPP_PROTECTION_STANDARD_IEC61880_525I       0x00000001u
#define COPP_PROTECTION_STANDARD_IEC61880_2_525I     0x00000002u
#define COPP_PROTECTION_STANDARD_IEC62375_625P       0x00000004u
#define COPP_PROTECTION_STANDARD_EIA608B_525         0x00000008u
#define COPP_PROTECTION_STANDARD_EN300294_625I       0x00000010u
#define COPP_PROTECTION_STANDARD_CEA805A_TYPEA_525P  0x00000020u
#define COPP_PROTECTION_STANDARD_CEA805A_TYPEA_750P  0x00000040u
#define COPP_PROTECTION_STANDARD_CEA805A_TYPEA_1125I 0x00000080u
#define COPP_PROTECTION_STANDARD_CEA805A_TYPEB_525P  0x00000100u
#define COPP_PROTECTION_STANDARD_CEA805A_TYPEB_750P  0x00000200u
#define COPP_PROTECTION_STANDARD_CEA805A_TYPEB_1125I 0x00000400u
#define COPP_PROTECTION_STANDARD_ARIBTRB15_525I      0x00000800u
#define COPP_PROTECTION_STANDARD_ARIBTRB15_525P      0x00001000u
#define COPP_PROTECTION_STANDARD_ARIBTRB15_750P      0x00002000u
#define COPP_PROTECTION_STANDARD_ARIBTRB15_1125I     0x00004000u
#define COPP_PROTECTION_STANDARD_UNKNOWN             0x80000000u
#define COPP_PROTECTION_STANDARD_MASK                0x80007FFFu
#define COPP_PROTECTION_STANDARD_RESERVED            0x7FFF8000u

/* EN 300 294 aspect ratios, AspectRatioData1 (spec 9.8). */
#define COPP_ASPECT_RATIO_EN300294_MASK                          0x7u
#define COPP_ASPECT_RATIO_EN300294_FULL_FORMAT_4BY3              0u
#define COPP_ASPECT_RATIO_EN300294_BOX_14BY9_CENTER              1u
#define COPP_ASPECT_RATIO_EN300294_BOX_14BY9_TOP                 2u
#define COPP_ASPECT_RATIO_EN300294_BOX_16BY9_CENTER              3u
#define COPP_ASPECT_RATIO_EN300294_BOX_16BY9_TOP                 4u
#define COPP_ASPECT_RATIO_EN300294_BOX_GT_16BY9_CENTER           5u
#define COPP_ASPECT_RATIO_EN300294_FULL_FORMAT_4BY3_PROTECTED_CENTER 6u
#define COPP_ASPECT_RATIO_EN300294_FULL_FORMAT_16BY9_ANAMORPHIC  7u

/* Status flags, dwFlags of every reply (spec 9.9, 11). */
#define COPP_STATUS_NORMAL                  0x00u
#define COPP_STATUS_LINK_LOST               0x01u
#define COPP_STATUS_RENEGOTIATION_REQUIRED  0x02u
#define COPP_STATUS_FLAGS_RESERVED          0xFFFFFFFCu

/* dwHDCPFlags (spec 9.10). */
#define COPP_HDCP_FLAG_REPEATER  0x01u
#define COPP_HDCP_FLAGS_RESERVED 0xFFFFFFFEu

/* DXVA_SampleFormat values for copp_extended_format() (spec 9.11). */
#define COPP_SAMPLE_FORMAT_UNKNOWN                      0u
#define COPP_SAMPLE_FORMAT_PROGRESSIVE_FRAME            2u
#define COPP_SAMPLE_FORMAT_FIELD_INTERLEAVED_EVEN_FIRST 3u
#define COPP_SAMPLE_FORMAT_FIELD_INTERLEAVED_ODD_FIRST  4u

/* Trace call identifiers (copp_trace.call). */
#define COPP_CALL_CONNECTOR_INIT        0u
#define COPP_CALL_OPEN                  1u
#define COPP_CALL_GET_CERTIFICATE_LENGTH 2u
#define COPP_CALL_KEY_EXCHANGE          3u
#define COPP_CALL_SEQUENCE_START        4u
#define COPP_CALL_COMMAND               5u
#define COPP_CALL_QUERY_STATUS          6u
#define COPP_CALL_CLOSE                 7u
#define COPP_CALL_EVENT                 8u
#define COPP_CALL_VIDEO_PARAMETERS      9u
#define COPP_CALL_RESYNC                10u
#define COPP_CALL_DROP_SESSION          11u
/* The OPM entry points (copp_trace.call; rows of the one transition table). */
#define COPP_CALL_OPM_GET_CERTIFICATE_SIZE      12u
#define COPP_CALL_OPM_GET_CERTIFICATE           13u
#define COPP_CALL_OPM_CREATE_PROTECTED_OUTPUT   14u
#define COPP_CALL_OPM_GET_RANDOM_NUMBER         15u
#define COPP_CALL_OPM_SET_SIGNING_KEY_AND_SEQUENCE_NUMBERS 16u
#define COPP_CALL_OPM_GET_INFORMATION           17u
#define COPP_CALL_OPM_GET_COPP_COMPATIBLE_INFORMATION 18u
#define COPP_CALL_OPM_CONFIGURE_PROTECTED_OUTPUT 19u
#define COPP_CALL_OPM_DESTROY_PROTECTED_OUTPUT  20u

/* Video-port copy protection: IOCTL_VIDEO_HANDLE_VIDEOPARAMETERS (spec 13). */
#define COPP_IOCTL_VIDEO_HANDLE_VIDEOPARAMETERS 0x00230020u
#define COPP_VIDEOPARAMETERS_BYTES 356u
#define COPP_GUID_VIDEOPARAMETERS \
    {0x61,0x20,0xC6,0x02,0x97,0x10,0xD1,0x11,0x92,0x0F,0x00,0xA0,0x24,0xDF,0x15,0x6E}
#define COPP_VP_COMMAND_GET        1u
#define COPP_VP_COMMAND_SET        2u
#define COPP_VP_FLAGS_TV_MODE      0x0001u
#define COPP_VP_FLAGS_TV_STANDARD  0x0002u
#define COPP_VP_FLAGS_FLICKER      0x0004u
#define COPP_VP_FLAGS_OVERSCAN     0x0008u
#define COPP_VP_FLAGS_MAX_UNSCALED 0x0010u
#define COPP_VP_FLAGS_POSITION     0x0020u
#define COPP_VP_FLAGS_BRIGHTNESS   0x0040u
#define COPP_VP_FLAGS_CONTRAST     0x0080u
#define COPP_VP_FLAGS_COPYPROTECT  0x0100u /* the prose's "VP_FLAGS_PROTECTED" (A17) */
#define COPP_VP_MODE_WIN_GRAPHICS  0x0001u
#define COPP_VP_MODE_TV_PLAYBACK   0x0002u
#define COPP_VP_TV_STANDARD_NTSC_M   0x0001u
#define COPP_VP_TV_STANDARD_NTSC_M_J 0x0002u
#define COPP_VP_TV_STANDARD_PAL_B    0x0004u
#define COPP_VP_TV_STANDARD_PAL_D    0x0008u
#define COPP_VP_TV_STANDARD_PAL_H    0x0010u
#define COPP_VP_TV_STANDARD_PAL_I    0x0020u
#define COPP_VP_TV_STANDARD_PAL_M    0x0040u
#define COPP_VP_TV_STANDARD_PAL_N    0x0080u
#define COPP_VP_TV_STANDARD_SECAM_B  0x0100u
#define COPP_VP_TV_STANDARD_SECAM_D  0x0200u
#define COPP_VP_TV_STANDARD_SECAM_G  0x0400u
#define COPP_VP_TV_STANDARD_SECAM_H  0x0800u
#define COPP_VP_TV_STANDARD_SECAM_K  0x1000u
#define COPP_VP_TV_STANDARD_SECAM_K1 0x2000u
#define COPP_VP_TV_STANDARD_SECAM_L  0x4000u
#define COPP_VP_TV_STANDARD_WIN_VGA  0x8000u
#define COPP_VP_TV_STANDARD_NTSC_433 0x00010000u
#define COPP_VP_TV_STANDARD_PAL_G    0x00020000u
#define COPP_VP_TV_STANDARD_PAL_60   0x00040000u
#define COPP_VP_TV_STANDARD_SECAM_L1 0x00080000u
#define COPP_VP_CP_TYPE_APS_TRIGGER  0x0001u
#define COPP_VP_CP_TYPE_MACROVISION  0x0002u
#define COPP_VP_CP_CMD_ACTIVATE      0x0001u
#define COPP_VP_CP_CMD_DEACTIVATE    0x0002u
#define COPP_VP_CP_CMD_CHANGE        0x0004u
/* Win32 status codes the video-port call returns (the VRP's status). */
#define COPP_NO_ERROR                  0u
#define COPP_ERROR_NOT_ENOUGH_MEMORY   8u   /* every key slot is live */
#define COPP_ERROR_GEN_FAILURE         31u  /* a hardware or RNG callback failed */
#define COPP_ERROR_NOT_SUPPORTED       50u  /* the display mode cannot carry the ACP level
                                               (check_protection: DDERR_TOOBIGSIZE) */
#define COPP_ERROR_INVALID_PARAMETER   87u  /* wrong Guid, command, or key */
#define COPP_ERROR_BUSY               170u  /* called from a callback or trace hook of this connector */

/* >>opm-types: OPM constants, GUIDs and layouts (OPM.md sections 4 - 6) ---- */

/* Video output semantics (OPM_VIDEO_OUTPUT_SEMANTICS, DXGKMDT_OPM_VOS_*, 6.1). */
#define COPP_OPM_VOS_COPP_SEMANTICS      0u
#define COPP_OPM_VOS_OPM_SEMANTICS       1u
#define COPP_OPM_VOS_OPM_INDIRECT_DISPLAY 2u /* treated as OPM semantics (A-OPM-12) */

/* Certificate types (DXGKMDT_CERTIFICATE_TYPE, 6.13): index of
 * copp_connector_desc.opm_certificate[]. */
#define COPP_DXGKMDT_OPM_CERTIFICATE              0u /* X.509 chain, DER (OPM semantics) */
#define COPP_DXGKMDT_COPP_CERTIFICATE             1u /* XrML chain (COPP semantics) */
#define COPP_DXGKMDT_UAB_CERTIFICATE              2u
#define COPP_DXGKMDT_INDIRECT_DISPLAY_CERTIFICATE 3u /* undescribed (A-OPM-12) */
#define COPP_OPM_CERTIFICATE_TYPES                4u

/* Protection types (OPM_PROTECTION_TYPE_*, 6.2).  Which semantics may name
 * which: COPP_COMPATIBLE_HDCP only COPP; HDCP, DPCP, TYPE_ENFORCEMENT_HDCP
 * only OPM; ACP and CGMS-A both (A-OPM-5, A-OPM-23). */
#define COPP_OPM_PROTECTION_TYPE_NONE                  0x00000000u
#define COPP_OPM_PROTECTION_TYPE_COPP_COMPATIBLE_HDCP  0x00000001u
#define COPP_OPM_PROTECTION_TYPE_ACP                   0x00000002u
#define COPP_OPM_PROTECTION_TYPE_CGMSA                 0x00000004u
#define COPP_OPM_PROTECTION_TYPE_HDCP                  0x00000008u
#define COPP_OPM_PROTECTION_TYPE_DPCP                  0x00000010u
#define COPP_OPM_PROTECTION_TYPE_TYPE_ENFORCEMENT_HDCP 0x00000020u
#define COPP_OPM_PROTECTION_TYPE_OTHER                 0x80000000u
#define COPP_OPM_PROTECTION_TYPE_MASK                  0x8000003Fu /* DXGKMDT_OPM_PROTECTION_TYPE_MASK */

/* Protection levels (6.3).  ACP and CGMS-A values are COPP's (COPP_ACP_LEVEL_*,
 * COPP_CGMSA_*; the redistribution-control flag 0x08 only with COPP semantics). */
#define COPP_OPM_HDCP_OFF 0u
#define COPP_OPM_HDCP_ON  1u
#define COPP_OPM_DPCP_OFF 0u
#define COPP_OPM_DPCP_ON  1u
#define COPP_OPM_TYPE_ENFORCEMENT_HDCP_OFF                         0u
#define COPP_OPM_TYPE_ENFORCEMENT_HDCP_ON_WITH_NO_TYPE_RESTRICTION 1u
#define COPP_OPM_TYPE_ENFORCEMENT_HDCP_ON_WITH_TYPE1_RESTRICTION   2u

/* ulStatusFlags of every reply (OPM_STATUS_*, 6.4); the first two are
 * COPP's dwFlags bits.  copp_connector_event and copp_connector_resync
 * accept all four. */
#define COPP_OPM_STATUS_NORMAL                  0x00u
#define COPP_OPM_STATUS_LINK_LOST               0x01u
#define COPP_OPM_STATUS_RENEGOTIATION_REQUIRED  0x02u
#define COPP_OPM_STATUS_TAMPERING_DETECTED      0x04u /* OPM semantics; LINK_LOST under COPP semantics */
#define COPP_OPM_STATUS_REVOKED_HDCP_DEVICE_ATTACHED 0x08u /* OPM semantics only, always with LINK_LOST */

/* Connector types (D3DKMDT_VIDEO_OUTPUT_TECHNOLOGY as apps read it, 6.5);
 * 0..6 and 8 are COPP's COPP_CONNECTOR_TYPE_* values. */
#define COPP_OPM_CONNECTOR_TYPE_OTHER                0xFFFFFFFFu
#define COPP_OPM_CONNECTOR_TYPE_VGA                  0u
#define COPP_OPM_CONNECTOR_TYPE_SVIDEO               1u
#define COPP_OPM_CONNECTOR_TYPE_COMPOSITE_VIDEO      2u
#define COPP_OPM_CONNECTOR_TYPE_COMPONENT_VIDEO      3u
#define COPP_OPM_CONNECTOR_TYPE_DVI                  4u
#define COPP_OPM_CONNECTOR_TYPE_HDMI                 5u
#define COPP_OPM_CONNECTOR_TYPE_LVDS                 6u
#define COPP_OPM_CONNECTOR_TYPE_D_JPN                8u
#define COPP_OPM_CONNECTOR_TYPE_SDI                  9u
#define COPP_OPM_CONNECTOR_TYPE_DISPLAYPORT_EXTERNAL 10u
#define COPP_OPM_CONNECTOR_TYPE_DISPLAYPORT_EMBEDDED 11u
#define COPP_OPM_CONNECTOR_TYPE_UDI_EXTERNAL         12u
#define COPP_OPM_CONNECTOR_TYPE_UDI_EMBEDDED         13u
#define COPP_OPM_CONNECTOR_TYPE_RESERVED             14u /* D3DKMDT_VOT_SDTVDONGLE */
#define COPP_OPM_CONNECTOR_TYPE_MIRACAST             15u
#define COPP_OPM_CONNECTOR_TYPE_TRANSPORT_AGNOSTIC_DIGITAL_MODE_A 16u /* driver: INDIRECT_WIRED (A-OPM-11) */
#define COPP_OPM_CONNECTOR_TYPE_TRANSPORT_AGNOSTIC_DIGITAL_MODE_B 17u /* driver: INDIRECT_VIRTUAL (A-OPM-11) */
#define COPP_OPM_COPP_COMPATIBLE_CONNECTOR_TYPE_INTERNAL 0x80000000u /* COPP semantics flag */

/* Bus type and implementation (6.6). */
#define COPP_OPM_BUS_TYPE_OTHER      0u
#define COPP_OPM_BUS_TYPE_PCI        1u
#define COPP_OPM_BUS_TYPE_PCIX       2u
#define COPP_OPM_BUS_TYPE_PCIEXPRESS 3u
#define COPP_OPM_BUS_TYPE_AGP        4u
#define COPP_OPM_BUS_IMPLEMENTATION_MODIFIER_INSIDE_OF_CHIPSET               0x00010000u
#define COPP_OPM_BUS_IMPLEMENTATION_MODIFIER_TRACKS_ON_MOTHER_BOARD_TO_CHIP   0x00020000u
#define COPP_OPM_BUS_IMPLEMENTATION_MODIFIER_TRACKS_ON_MOTHER_BOARD_TO_SOCKET 0x00030000u
#define COPP_OPM_BUS_IMPLEMENTATION_MODIFIER_DAUGHTER_BOARD_CONNECTOR         0x00040000u
#define COPP_OPM_BUS_IMPLEMENTATION_MODIFIER_DAUGHTER_BOARD_CONNECTOR_INSIDE_OF_NUAE 0x00050000u
#define COPP_OPM_BUS_IMPLEMENTATION_MODIFIER_NON_STANDARD                     0x80000000u /* OPM semantics */
#define COPP_OPM_COPP_COMPATIBLE_BUS_TYPE_INTEGRATED                          0x80000000u /* COPP semantics */

/* TV protection standards and aspect ratios are COPP's
 * (COPP_PROTECTION_STANDARD_*, COPP_ASPECT_RATIO_EN300294_*, 6.7, 6.8);
 * interleave formats are COPP_SAMPLE_FORMAT_* (6.9); HDCP flags
 * COPP_HDCP_FLAG_* (6.10, COPP semantics). */
#define COPP_OPM_DVI_CHARACTERISTIC_1_0          1u
#define COPP_OPM_DVI_CHARACTERISTIC_1_1_OR_ABOVE 2u
#define COPP_OPM_OUTPUT_HARDWARE_PROTECTION_NOT_SUPPORTED 0u
#define COPP_OPM_OUTPUT_HARDWARE_PROTECTION_SUPPORTED     1u

/* Sizes (6.14, 4), bytes. */
#define COPP_OPM_RANDOM_NUMBER_BYTES               16u  /* OPM_RANDOM_NUMBER */
#define COPP_OPM_OMAC_BYTES                        16u  /* OPM_OMAC */
#define COPP_OPM_ENCRYPTED_PARAMETERS_BYTES        256u /* OPM_ENCRYPTED_INITIALIZATION_PARAMETERS */
#define COPP_OPM_GET_INFO_PARAMETERS_BYTES         4112u
#define COPP_OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS_BYTES 4096u
#define COPP_OPM_CONFIGURE_PARAMETERS_BYTES        4096u
#define COPP_OPM_REQUESTED_INFORMATION_BYTES       4096u
#define COPP_OPM_PARAMETERS_BYTES                  4056u /* abParameters (both directions) */
#define COPP_OPM_REQUESTED_INFORMATION_SIZE        4076u /* abRequestedInformation */
#define COPP_OPM_STANDARD_INFORMATION_BYTES        32u
#define COPP_OPM_ACTUAL_OUTPUT_FORMAT_BYTES        44u
#define COPP_OPM_OUTPUT_ID_DATA_BYTES              28u  /* packed (A-OPM-14) */
#define COPP_OPM_ACP_AND_CGMSA_SIGNALING_BYTES     88u
#define COPP_OPM_CONNECTED_HDCP_DEVICE_INFORMATION_BYTES 72u
#define COPP_OPM_GET_CODEC_INFO_INFORMATION_BYTES  20u
#define COPP_OPM_SET_PROTECTION_LEVEL_PARAMETERS_BYTES 16u
#define COPP_OPM_SET_ACP_AND_CGMSA_SIGNALING_PARAMETERS_BYTES 64u
#define COPP_OPM_SET_HDCP_SRM_PARAMETERS_BYTES     4u
#define COPP_OPM_INITIALIZATION_PARAMETERS_BYTES   40u  /* decrypted: random | K | info start | configure start */
#define COPP_OPM_OAEP_MAX_MESSAGE_BYTES            126u /* 256 - 2 * 64 - 2 (A-OPM-2) */

/* Offsets.  OPM_GET_INFO_PARAMETERS (4.4), signed over bytes 16..4111. */
#define COPP_OPM_GIP_OFF_OMAC              0u
#define COPP_OPM_GIP_OFF_RNRANDOMNUMBER    16u
#define COPP_OPM_GIP_OFF_GUIDINFORMATION   32u
#define COPP_OPM_GIP_OFF_ULSEQUENCENUMBER  48u
#define COPP_OPM_GIP_OFF_CBPARAMETERSSIZE  52u
#define COPP_OPM_GIP_OFF_ABPARAMETERS      56u
/* OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS (4.5), unsigned: DXVA_COPPStatusInput. */
#define COPP_OPM_CGIP_OFF_RNRANDOMNUMBER   0u
#define COPP_OPM_CGIP_OFF_GUIDINFORMATION  16u
#define COPP_OPM_CGIP_OFF_ULSEQUENCENUMBER 32u
#define COPP_OPM_CGIP_OFF_CBPARAMETERSSIZE 36u
#define COPP_OPM_CGIP_OFF_ABPARAMETERS     40u
/* OPM_CONFIGURE_PARAMETERS (4.6), signed over bytes 16..4095: DXVA_COPPCommand. */
#define COPP_OPM_CP_OFF_OMAC               0u
#define COPP_OPM_CP_OFF_GUIDSETTING        16u
#define COPP_OPM_CP_OFF_ULSEQUENCENUMBER   32u
#define COPP_OPM_CP_OFF_CBPARAMETERSSIZE   36u
#define COPP_OPM_CP_OFF_ABPARAMETERS       40u
/* OPM_REQUESTED_INFORMATION (4.7), signed by the driver over bytes 16..4095. */
#define COPP_OPM_RI_OFF_OMAC               0u
#define COPP_OPM_RI_OFF_CBREQUESTEDINFORMATIONSIZE 16u
#define COPP_OPM_RI_OFF_ABREQUESTEDINFORMATION     20u
/* Reply structures, offsets from abRequestedInformation (4.8 - 4.12, 4.14). */
#define COPP_OPM_REPLY_OFF_RNRANDOMNUMBER  0u  /* every reply: the request's echo */
#define COPP_OPM_REPLY_OFF_ULSTATUSFLAGS   16u /* every reply but CODEC_INFO */
#define COPP_OPM_REPLY_OFF_ULINFORMATION   20u /* OPM_STANDARD_INFORMATION; 24, 28 reserved 0 */
#define COPP_OPM_REPLY_OFF_ULDISPLAYWIDTH  20u /* OPM_ACTUAL_OUTPUT_FORMAT */
#define COPP_OPM_REPLY_OFF_ULDISPLAYHEIGHT 24u
#define COPP_OPM_REPLY_OFF_IFINTERLEAVEFORMAT 28u /* interleave value for both semantics (A-OPM-22) */
#define COPP_OPM_REPLY_OFF_D3DFORMAT       32u
#define COPP_OPM_REPLY_OFF_ULFREQUENCYNUMERATOR   36u
#define COPP_OPM_REPLY_OFF_ULFREQUENCYDENOMINATOR 40u
#define COPP_OPM_REPLY_OFF_OUTPUTID        20u /* OPM_OUTPUT_ID_DATA: UINT64 LE, unaligned */
#define COPP_OPM_REPLY_OFF_ULAVAILABLETVPROTECTIONSTANDARDS 20u /* OPM_ACP_AND_CGMSA_SIGNALING */
#define COPP_OPM_REPLY_OFF_ULACTIVETVPROTECTIONSTANDARD     24u
#define COPP_OPM_REPLY_OFF_ULASPECTRATIOVALIDMASK1 32u /* Mask i at 32 + 8 (i - 1), Data i at 36 + 8 (i - 1) */
#define COPP_OPM_REPLY_OFF_ULASPECTRATIODATA1      36u
#define COPP_OPM_REPLY_OFF_ULHDCPFLAGS     20u /* OPM_CONNECTED_HDCP_DEVICE_INFORMATION */
#define COPP_OPM_REPLY_OFF_KSVB            24u /* 5 bytes, least significant first */
#define COPP_OPM_REPLY_OFF_MERIT           16u /* OPM_GET_CODEC_INFO_INFORMATION */
/* Decrypted initialization parameters (4.16). */
#define COPP_OPM_INIT_OFF_RANDOM           0u
#define COPP_OPM_INIT_OFF_KEY              16u
#define COPP_OPM_INIT_OFF_INFO_START       32u
#define COPP_OPM_INIT_OFF_CONFIGURE_START  36u
/* IddCx wrappers (1.3): UINT Size at 0, the OPM structure at 4. */
#define COPP_IDDCX_OPM_RANDOM_NUMBER_BYTES       20u   /* IDDCX_OPM_GET_RANDOM_NUMBER */
#define COPP_IDDCX_OPM_ENCRYPTED_PARAMETERS_BYTES 260u /* IDDCX_OPM_ENCRYPTED_INITIALIZATION_PARAMETERS */
#define COPP_IDDCX_OPM_GET_INFO_PARAMETERS_BYTES 4116u /* IDDCX_OPM_GET_INFO_PARAMETERS */
#define COPP_IDDCX_OPM_REQUESTED_INFORMATION_BYTES 4100u /* IDDCX_OPM_REQUESTED_INFORMATION */
#define COPP_IDDCX_OPM_CONFIGURE_PARAMETERS_BYTES 4100u /* IDDCX_OPM_CONFIGURE_PARAMETERS */

/* Information requests (5.1), the 16 bytes on the wire.  The first eight
 * are COPP's status-request GUIDs. */
#define COPP_GUID_OPM_GET_CONNECTOR_TYPE             COPP_GUID_DXVA_COPPQueryConnectorType
#define COPP_GUID_OPM_GET_SUPPORTED_PROTECTION_TYPES COPP_GUID_DXVA_COPPQueryProtectionType
#define COPP_GUID_OPM_GET_VIRTUAL_PROTECTION_LEVEL   COPP_GUID_DXVA_COPPQueryLocalProtectionLevel
#define COPP_GUID_OPM_GET_ACTUAL_PROTECTION_LEVEL    COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel
#define COPP_GUID_OPM_GET_ACTUAL_OUTPUT_FORMAT       COPP_GUID_DXVA_COPPQueryDisplayData
#define COPP_GUID_OPM_GET_ADAPTER_BUS_TYPE           COPP_GUID_DXVA_COPPQueryBusData
#define COPP_GUID_OPM_GET_ACP_AND_CGMSA_SIGNALING    COPP_GUID_DXVA_COPPQuerySignaling
#define COPP_GUID_OPM_GET_CONNECTED_HDCP_DEVICE_INFORMATION COPP_GUID_DXVA_COPPQueryHDCPKeyData
#define COPP_GUID_OPM_GET_CURRENT_HDCP_SRM_VERSION \
    {0xFF,0xCE,0xC5,0x99,0x1D,0x5F,0x79,0x48,0x81,0xC1,0xC5,0x24,0x43,0xC9,0x48,0x2B}
#define COPP_GUID_OPM_GET_OUTPUT_ID \
    {0xF3,0x6D,0xCB,0x72,0x4F,0x24,0xCE,0x40,0xB0,0x9E,0x20,0x50,0x6A,0xF6,0x30,0x2F}
#define COPP_GUID_OPM_GET_DVI_CHARACTERISTICS \
    {0xBB,0xB3,0x70,0xA4,0xD7,0x5D,0x72,0x41,0x83,0x9C,0x3D,0x37,0x76,0xE0,0xEB,0xF5}
#define COPP_GUID_OPM_GET_CODEC_INFO \
    {0x91,0x44,0x37,0x4F,0x5F,0x8F,0x45,0x44,0x9D,0xBA,0x95,0x58,0x8F,0x6B,0x58,0xB4}
#define COPP_GUID_OPM_GET_OUTPUT_HARDWARE_PROTECTION_SUPPORT \
    {0x89,0x95,0x12,0x3B,0xF8,0x2A,0xF0,0x4E,0x96,0xA2,0x70,0x4A,0x84,0x5A,0x21,0x8E}
/* Configure commands (5.2); the first two are COPP's command GUIDs. */
#define COPP_GUID_OPM_SET_PROTECTION_LEVEL           COPP_GUID_DXVA_COPPSetProtectionLevel
#define COPP_GUID_OPM_SET_ACP_AND_CGMSA_SIGNALING    COPP_GUID_DXVA_COPPSetSignaling
#define COPP_GUID_OPM_SET_HDCP_SRM \
    {0xD1,0xF5,0x5E,0x8B,0x0D,0xC3,0xFF,0x44,0x84,0xA5,0xEA,0x71,0xDC,0xE7,0x8F,0x13}
#define COPP_GUID_OPM_SET_PROTECTION_LEVEL_ACCORDING_TO_CSS_DVD \
    {0x3E,0x33,0xCE,0x39,0xC0,0x4C,0xAE,0x44,0xBF,0xCC,0xDA,0x50,0xB5,0xF8,0x2E,0x72}
/* Other identifiers (5.3). */
#define COPP_GUID_IID_IOPMVideoOutput \
    {0x9D,0x15,0x15,0x0A,0xC7,0x41,0x56,0x44,0x93,0xE1,0x28,0x4C,0xD6,0x1D,0x4E,0x8D}
#define COPP_GUID_DEVINTERFACE_OPM \
    {0xDE,0x72,0x46,0xBF,0x4E,0x6B,0xE4,0x4B,0xA3,0x25,0x68,0xA9,0x1E,0xA4,0x9C,0x09}
#define COPP_GUID_DEVINTERFACE_OPM_2_JTP \
    {0xA4,0xEE,0x29,0xE9,0xF1,0xB9,0x7B,0x40,0xAA,0xB9,0xAB,0x08,0xBB,0x44,0xFB,0xF4}
#define COPP_GUID_DEVINTERFACE_OPM_2 \
    {0x26,0x87,0x09,0x7F,0xBB,0x2E,0xF3,0x4F,0xA2,0x7F,0x10,0x46,0xB9,0x5D,0xC5,0x17}
#define COPP_GUID_DEVINTERFACE_OPM_3 \
    {0xB1,0x2C,0x3A,0x69,0x8D,0x8C,0xB6,0x4A,0x95,0x55,0x4B,0x85,0xEF,0x2C,0x7C,0x6B}
#define COPP_DXGK_OPM_INTERFACE_VERSION_1 0x01u

/* Connector-description flags (copp_connector_desc.opm_flags). */
#define COPP_OPM_ALLOW_INDIRECT_DISPLAY 0x1u /* WDDM path accepts semantics 2 (A-OPM-12); the
                                                IddCx helpers always do */

/* >>backends --------------------------------------------------------------- */

/* Mode of the signal on the connector, for DXVA_COPPQueryDisplayData (spec 5.8). */
typedef struct copp_display_data {
    uint32_t DisplayWidth;    /* pixels of the signal on this connector, not the desktop */
    uint32_t DisplayHeight;   /* lines */
    uint32_t Format;          /* packed DXVA_ExtendedFormat, see copp_extended_format() */
    uint32_t d3dFormat;       /* D3DFORMAT code, e.g. 22 = D3DFMT_X8R8G8B8 */
    uint32_t FreqNumerator;   /* refresh = FreqNumerator / FreqDenominator Hz */
    uint32_t FreqDenominator;
} copp_display_data;

/* The connector's analog signaling state (DXVA_COPPSetSignaling, spec 7.2). */
typedef struct copp_signaling {
    uint32_t ActiveTVProtectionStandard;  /* OR of COPP_PROTECTION_STANDARD_* */
    uint32_t AspectRatioValidMask[3];     /* bits of AspectRatioData[i] ever set by a command */
    uint32_t AspectRatioData[3];          /* [0]: EN 300 294 value, [1],[2]: standard-specific */
} copp_signaling;

/* VIDEOPARAMETERS (spec 13.2), decoded; the Guid (bytes 0..15) is checked by
 * copp and not repeated here.  Wire offsets in comments. */
typedef struct copp_videoparameters {
    uint32_t dwOffset;              /* 16, reserved */
    uint32_t dwCommand;             /* 20, COPP_VP_COMMAND_GET / _SET */
    uint32_t dwFlags;               /* 24, COPP_VP_FLAGS_*: which members are valid */
    uint32_t dwMode;                /* 28 */
    uint32_t dwTVStandard;          /* 32 */
    uint32_t dwAvailableModes;      /* 36 */
    uint32_t dwAvailableTVStandard; /* 40 */
    uint32_t dwFlickerFilter;       /* 44, tenths of a percent */
    uint32_t dwOverScanX;           /* 48, tenths of a percent */
    uint32_t dwOverScanY;           /* 52 */
    uint32_t dwMaxUnscaledX;        /* 56 */
    uint32_t dwMaxUnscaledY;        /* 60 */
    uint32_t dwPositionX;           /* 64, pixels */
    uint32_t dwPositionY;           /* 68, scan lines */
    uint32_t dwBrightness;          /* 72, percent */
    uint32_t dwContrast;            /* 76, percent */
    uint32_t dwCPType;              /* 80, COPP_VP_CP_TYPE_* */
    uint32_t dwCPCommand;           /* 84, COPP_VP_CP_CMD_* */
    uint32_t dwCPStandard;          /* 88, TV standards with copy protection */
    uint32_t dwCPKey;               /* 92, returned by ACTIVATE */
    uint32_t bCP_APSTriggerBits;    /* 96, bits 0..1: APS trigger = ACP level (A18) */
    const uint8_t *bOEMCopyProtection; /* 100: the request's 256 OEM bytes, read-only;
                                          copp returns them unchanged */
} copp_videoparameters;

/* Hardware operations, written in protocol terms; the driver's
 * implementation does the register access (see copp_hw_example.c).
 * Every op returns COPP_S_OK or a negative HRESULT; a failure of an op makes
 * the copp call that needed it fail with that HRESULT (positive values count
 * as COPP_E_FAIL) and change nothing.  Optional ops may be NULL; each says
 * what NULL means.  prot_type is one COPP_PROTECTION_TYPE_* bit; levels are
 * dxva.h values (CGMS-A including the redistribution-control flag). */
typedef struct copp_hw_ops {
    /* Required.  OR of the protection types the connector supports, in every
     * display mode (HDCP/ACP/CGMS-A bits only).  Read once by copp_connector_init. */
    int32_t (*get_protection_types)(void *user, uint32_t *types);
    /* Required.  Drive the connector's level of one type.  Called only when
     * the level derived from all sessions changes (spec 12). */
    int32_t (*set_protection)(void *user, uint32_t prot_type, uint32_t level);
    /* Optional.  The level actually on the wire, for the global-level query
     * (spec 12.1).  NULL: copp reports the level it last applied. */
    int32_t (*get_protection)(void *user, uint32_t prot_type, uint32_t *level);
    /* Optional.  Can the current display mode carry this (non-zero) level?
     * Return COPP_S_OK or COPP_DDERR_TOOBIGSIZE (spec 12.5).  NULL: always. */
    int32_t (*check_protection)(void *user, uint32_t prot_type, uint32_t level);
    /* Optional.  COPP_CONNECTOR_TYPE_* (| INTERNAL).  NULL: UNKNOWN. */
    int32_t (*get_connector_type)(void *user, uint32_t *type);
    /* Optional.  COPP_BUS_TYPE_* (| INTEGRATED).  NULL: UNKNOWN. */
    int32_t (*get_bus_type)(void *user, uint32_t *bus);
    /* Optional.  NULL: the DisplayData query returns COPP_E_INVALIDARG. */
    int32_t (*get_display_data)(void *user, copp_display_data *dd);
    /* Optional, for HDCP connectors.  hdcp_flags: COPP_HDCP_FLAG_REPEATER;
     * bksv: the receiver's 40-bit KSV, least significant byte first, zero when
     * no receiver is attached.  NULL: the HDCPKeyData query returns COPP_E_INVALIDARG. */
    int32_t (*get_hdcp_key_data)(void *user, uint32_t *hdcp_flags, uint8_t bksv[5]);
    /* Optional.  OR of COPP_PROTECTION_STANDARD_* the connector can carry.  NULL: none. */
    int32_t (*get_tv_standards)(void *user, uint32_t *available);
    /* Optional.  Drive the new signaling state (called when it changes).
     * NULL: the state is only kept and reported. */
    int32_t (*set_signaling)(void *user, const copp_signaling *sig);
    /* Optional.  VIDEOPARAMETERS GET: set dwFlags bits for the TV features the
     * output has and fill their members (and dwCPStandard); copp adds the
     * copy-protection flag and dwCPType itself.  NULL: no TV output
     * (dwFlags 0, standard WIN_VGA). */
    int32_t (*vp_get)(void *user, copp_videoparameters *vp);
    /* Optional.  VIDEOPARAMETERS SET: apply the members whose flags are set,
     * other than copy protection (copp handles that).  NULL: a SET of any
     * other member is refused. */
    int32_t (*vp_set)(void *user, const copp_videoparameters *vp);
} copp_hw_ops;

/* Keyed MAC state, one per session; its layout belongs to the crypto backend. */
typedef union copp_mac_ctx {
    uint64_t align_u64_;
    void    *align_ptr_;
    uint8_t  bytes[COPP_MAC_CTX_BYTES];
} copp_mac_ctx;

/* Crypto backend.  copp never compares secrets through this table: backends
 * compute, copp compares (in constant time).  All members are required except
 * mac_release. */
typedef struct copp_crypto {
    /* TweetNaCl's randombytes(buf, len) plus a user pointer: fill buf with len
     * cryptographically secure random bytes; return 0, or non-zero on failure. */
    int (*randombytes)(void *user, uint8_t *buf, size_t len);
    /* The RSA-2048 private operation on a DXVA_COPPSignature (spec 10.3).
     * Default COPP mode: sig is the ciphertext as a little-endian integer,
     * out receives the raw plaintext as 256 little-endian bytes, *out_len = 256.
     * A backend may instead strip padding and report a shorter plaintext; copp
     * needs *out_len >= 40 and reads only out[0..39].  Returns COPP_S_OK,
     * COPP_E_UNEXPECTED when sig is not a valid ciphertext (>= modulus, bad
     * padding), or another negative HRESULT on an internal failure. */
    int32_t (*rsa_decrypt)(void *user, const uint8_t sig[256], uint8_t out[256], size_t *out_len);
    /* Key ctx for AES-128-CMAC under key (kDI, 16 bytes used as they stand). */
    int32_t (*mac_init)(void *user, copp_mac_ctx *ctx, const uint8_t key[16]);
    /* tag = AES-128-CMAC(key of ctx, msg[0..len-1] followed by zero_tail zero
     * bytes).  Must not modify ctx. */
    int32_t (*mac)(void *user, const copp_mac_ctx *ctx, const uint8_t *msg, size_t len,
                   size_t zero_tail, uint8_t tag[16]);
    /* Optional: release what mac_init acquired outside ctx.  Called at close
     * and also after a failed mac_init (ctx then holds whatever mac_init left
     * there, all zero at the least).  copp wipes ctx itself afterwards.
     * NULL: nothing to release. */
    void (*mac_release)(void *user, copp_mac_ctx *ctx);
    /* Optional: RSAES-OAEP decryption for OPM semantics (OPM.md 7.2, A-OPM-1):
     * SHA-512, MGF1-SHA-512, empty label, 2048-bit key; ct is the 256-byte
     * ciphertext as a big-endian integer (PKCS #1 octet string, no byte
     * reversal).  Called with copp_connector_desc.opm_crypto_user (the OPM
     * key's object).  msg receives the decoded message M, *msg_len its
     * length (0..126).  Returns COPP_S_OK; COPP_E_UNEXPECTED for every
     * ciphertext that does not decode (c >= n, any OAEP padding or label
     * check) -- one result, so that no padding oracle reaches the caller;
     * another negative HRESULT on an internal failure.  NULL: the adapter
     * serves no OPM-semantics protected output
     * (COPP_STATUS_GRAPHICS_OPM_NOT_SUPPORTED at create).  Never used for
     * COPP semantics (those use rsa_decrypt, OPM.md 7.3). */
    int32_t (*oaep_decrypt)(void *user, const uint8_t ct[256], uint8_t msg[256], size_t *msg_len);
} copp_crypto;

/* What OPM needs of the hardware beyond copp_hw_ops (OPM.md 16, 11.5, 11.6,
 * 5.1, 1.2).  Every member is optional; each says what NULL means.  Every op
 * returns COPP_S_OK or a negative HRESULT; a failure makes the OPM call that
 * needed it return COPP_STATUS_GRAPHICS_OPM_DRIVER_INTERNAL_ERROR and change
 * nothing (except where noted).  The level, type, display-data, KSV,
 * signaling and TV-standard data of protected outputs come from copp_hw_ops
 * as for COPP sessions. */
typedef struct copp_opm_ops {
    /* The hardware functionality scan gate (1.2): called first by every OPM
     * entry point; waits until the scan has completed and returns COPP_S_OK,
     * or a failure: the call returns COPP_STATUS_GRAPHICS_PVP_HFS_FAILED.
     * NULL: always ready. */
    int32_t (*ready)(void *user);
    /* D3DKMDT_VIDEO_OUTPUT_TECHNOLOGY for OPM-semantics CONNECTOR_TYPE
     * (COPP_OPM_CONNECTOR_TYPE_*, 16/17 passed through, A-OPM-11).  NULL: the
     * value of copp_hw_ops.get_connector_type (COPP semantics always use that). */
    int32_t (*get_output_technology)(void *user, uint32_t *vot);
    /* Bus type | one implementation modifier | optional NON_STANDARD for
     * OPM-semantics ADAPTER_BUS_TYPE.  NULL: copp_hw_ops.get_bus_type's
     * value without its COPP INTEGRATED flag. */
    int32_t (*get_bus_type)(void *user, uint32_t *bus);
    /* A stable 64-bit id of the connector (GET_OUTPUT_ID, 11.5): the same for
     * every output on it.  NULL: GET_OUTPUT_ID returns COPP_STATUS_NOT_SUPPORTED. */
    int32_t (*get_output_id)(void *user, uint64_t *id);
    /* COPP_OPM_DVI_CHARACTERISTIC_* (GET_DVI_CHARACTERISTICS, DVI connectors
     * only).  NULL, or COPP_E_INVALIDARG returned: COPP_STATUS_NOT_SUPPORTED
     * (A-OPM-17). */
    int32_t (*get_dvi_characteristics)(void *user, uint32_t *dvi);
    /* Validate (DCP signature, HDCP 1.1 section 5 format) and store an SRM
     * of `version` (bits 0..15 of ulSRMVersion, already checked against the
     * SRM's own version field, A-OPM-20).  Returns COPP_S_OK (valid and in
     * effect, or valid and older than the connector's: copp keeps the
     * highest), COPP_E_INVALIDARG (invalid: COPP_STATUS_GRAPHICS_OPM_INVALID_SRM),
     * or another failure.  NULL: every SET_HDCP_SRM on an HDCP connector is
     * COPP_STATUS_NOT_SUPPORTED. */
    int32_t (*set_hdcp_srm)(void *user, const uint8_t *srm, uint32_t srm_len, uint32_t version);
    /* COPP_OPM_OUTPUT_HARDWARE_PROTECTION_* (A-OPM-21).  NULL: NOT_SUPPORTED (0). */
    int32_t (*get_hardware_protection)(void *user, uint32_t *value);
    /* GET_CODEC_INFO (4.14): the merit of the codec named by verifier
     * (cbVerifier bytes: a CLSID or a NUL-terminated UTF-16 link).  NULL, or
     * COPP_E_INVALIDARG returned (unknown codec): COPP_STATUS_NOT_SUPPORTED. */
    int32_t (*get_codec_info)(void *user, const uint8_t *verifier, uint32_t verifier_len, uint32_t *merit);
} copp_opm_ops;

struct copp_session;

/* One trace record per public call on an initialized connector (optional
 * hook in the descriptor), written when the call's update is complete; none
 * for a call refused as busy (COPP_REASON_BUSY), nor for a copp_connector_init
 * refused for its desc (NULL, missing ops) before it looks at c.  The hook must not call
 * into copp (CONVENTIONS: such calls are refused). */
typedef struct copp_trace {
    uint32_t call;                      /* COPP_CALL_* */
    const struct copp_session *session; /* NULL for connector-wide calls; the dropped storage for
                                           copp_connector_drop_session (never dereferenced) */
    int32_t  result;                    /* the HRESULT returned */
    uint32_t reason;                    /* COPP_REASON_* */
    uint32_t state_before, state_after; /* COPP_STATE_* (a drop: the slot's, then CLOSED) */
    uint32_t flags;                     /* COPP_STATUS_* this call latched to every session: an
                                           event's or resync's, or LinkLost when the hardware
                                           refused a lowering or a re-apply (fail closed) */
} copp_trace;

/* Everything a connector needs; copied by copp_connector_init. */
typedef struct copp_connector_desc {
    const copp_hw_ops *hw;        /* required */
    void              *hw_user;
    const copp_crypto *crypto;    /* required */
    void              *crypto_user;
    const uint8_t     *certificate;      /* XML certificate chain, returned verbatim */
    uint32_t           certificate_len;  /* bytes (spec 10.2, A26) */
    void (*trace)(void *user, const copp_trace *t);  /* optional */
    void              *trace_user;
    /* OPM (all optional; zero: no OPM-semantics outputs, COPP semantics only).
     * Certificates are handed out verbatim by copp_opm_get_certificate,
     * indexed by COPP_DXGKMDT_*_CERTIFICATE; entry COPP_DXGKMDT_COPP_CERTIFICATE,
     * when NULL, is the COPP certificate above (OPM.md 7.7). */
    const uint8_t     *opm_certificate[COPP_OPM_CERTIFICATE_TYPES];
    uint32_t           opm_certificate_len[COPP_OPM_CERTIFICATE_TYPES];
    const copp_opm_ops *opm;      /* optional hooks; NULL: every default */
    void              *opm_user;  /* first argument of the opm hooks (NULL: hw_user) */
    void              *opm_crypto_user; /* crypto user for oaep_decrypt: the OPM key (NULL: crypto_user) */
    uint32_t           opm_flags; /* COPP_OPM_ALLOW_INDIRECT_DISPLAY */
#ifdef COPP_WITH_RECORDER
    struct copp_recorder *recorder;   /* optional: one transcript record per call (>>recorder) */
#endif
} copp_connector_desc;

/* >>objects ---------------------------------------------------------------- */

#define COPP__TYPES 4u   /* protection types, indexed by: */
#define COPP__T_HDCP  0  /* the HDCP engine: COPP's HDCP, OPM's HDCP, COPP-compatible and
                            type-enforcement HDCP (A-OPM-9); level 2 = type-1 restriction */
#define COPP__T_ACP   1
#define COPP__T_CGMSA 2
#define COPP__T_DPCP  3  /* OPM semantics only */
#define COPP__LEVELS 16u /* per-type level slots (CGMS-A values 0..12) */

/* A COPP session ("COPP device" in Microsoft's words).  Caller-owned: zeroed
 * (or closed) storage before copp_open; fields are private: use the accessors.
 * What it holds is its claim (connector, state, opening) and its secrets;
 * everything else is the connector's record of it (copp__slot). */
typedef struct copp_session {
    struct copp_connector *conn;       /* bound connector, NULL when closed */
    uint32_t state;                    /* COPP_STATE_* it claims */
    uint32_t last_reason;              /* diagnostic only: COPP_REASON_* of the last call */
    uint64_t epoch;                    /* which opening of this storage it claims */
    uint8_t  rgh[COPP_RANDOM_BYTES];   /* driver random handed out at key exchange */
    copp_mac_ctx mac;                  /* keyed CMAC state (valid when SESSION_ACTIVE) */
} copp_session;

/* The connector's record of one open session: which storage, which opening
 * of it, its state, its local levels, its sequence counters and latched
 * events.  A call on a session is honoured only if its slot matches
 * (copp_session_state() and friends).  The connector compares `session`,
 * never dereferences it.  (OPM's protected output will be a session of a
 * second kind on these slots: its own calls and states as rows of
 * copp__edges, the same entry and exit, state writer and >>protect
 * contributor.) */
typedef struct copp__slot {
    copp_session *session;
    uint64_t epoch;                    /* copp_session.epoch it must carry */
    uint32_t state;                    /* COPP_STATE_* the session must claim */
    uint32_t level[COPP__TYPES];       /* local level per type; COPP_LEVEL_NOT_AVAILABLE if unsupported */
    uint32_t status_seq;               /* next expected status dwSequence */
    uint32_t command_seq;              /* next expected command dwSequence */
    uint32_t pending_flags;            /* latched COPP_STATUS_* / COPP_OPM_STATUS_* events (spec 11, A15) */
    /* protected outputs only (OPM.md 16.4) */
    uint32_t semantics;                /* COPP_OPM_VOS_*, fixed at create */
    uint32_t hdcp_virtual;             /* virtual level of HDCP (0x8) or COPP-compatible HDCP (0x1) */
    uint32_t te_virtual;               /* virtual level of type-enforcement HDCP (0x20) */
    uint32_t srm_set;                  /* 1 once this output has set a valid SRM (A-OPM-19) */
} copp__slot;

/* A physical output connector shared by sessions.  Caller-owned. */
typedef struct copp_connector {
    copp_connector_desc desc;
    uint32_t initialized;                        /* magic set by copp_connector_init */
    uint32_t busy;                               /* 1 while a call on it runs (its callbacks and trace hook too) */
    uint32_t protection_types;                   /* supported COPP_PROTECTION_TYPE_* bits */
    uint32_t counts[COPP__TYPES][COPP__LEVELS];  /* contributors per (type, level), spec 12.1 */
    uint32_t applied[COPP__TYPES];               /* level the hardware was last told (or read) */
    copp_signaling signaling;                    /* current SetSignaling state */
    uint64_t epoch;                              /* the last opening's; random start on fresh storage */
    uint32_t nsessions;
    copp__slot sessions[COPP_MAX_SESSIONS];      /* open sessions, [0, nsessions) */
    struct { uint32_t key, level; } vp_keys[COPP_MAX_VP_KEYS]; /* live video-port keys (spec 13.3) */
    uint32_t nvp_keys;
    uint32_t srm_version;                        /* highest valid SRM version in effect (A-OPM-19) */
    uint32_t srm_valid;                          /* 1 once any output set a valid SRM */
    uint32_t revoked;                            /* a revoked HDCP device is attached (A-OPM-8) */
#ifdef COPP_WITH_RECORDER
    struct {   /* with a recorder, desc.hw / desc.crypto are these recording shims (user: c) */
        copp_hw_ops hw;                 /* the caller's ops, each non-NULL one through its shim */
        copp_crypto crypto;
        const copp_hw_ops *user_hw;     /* what the caller's desc gave */
        void *user_hw_user;
        const copp_crypto *user_crypto;
        void *user_crypto_user;
        void *user_opm_crypto_user;     /* oaep_decrypt's user as the caller's desc resolves it */
    } rec;
#endif
} copp_connector;

/* An OPM protected output (OPM.md 2; "PO"): a session of a second kind on
 * the connector's slots, with the states COPP_STATE_PO_*, bound and checked
 * exactly as a copp_session.  Caller-owned; zeroed (or destroyed) storage
 * before copp_opm_create_protected_output; its address is the handle a
 * DxgkDdiOPM* call or IDDCX_OPMCTX maps to.  Fields are private.  The PO's
 * random number lives in s.rgh, its key K in s.mac; semantics, counters,
 * virtual levels and latched events are the connector's record. */
typedef struct copp_opm_output {
    copp_session s;
} copp_opm_output;

/* >>api -------------------------------------------------------------------- */

/* copp_connector_init -- prepare a connector for sessions.
 *   c     caller storage: fresh (garbage or zeroed), or a connector with no
 *         open session and no live video-port key; overwritten.
 *   desc  hw (get_protection_types and set_protection required), crypto (all
 *         members but mac_release required), certificate bytes; copied.
 * Does not write hardware: the connector starts with every level at 0.
 * A connector in use is refused, so that no session or key is orphaned and
 * no level the hardware still carries is forgotten: c counts as in use when
 * it holds copp's initialized magic and a session count in
 * 1..COPP_MAX_SESSIONS, a key count in 1..COPP_MAX_VP_KEYS, or an applied
 * level in 1..COPP_CGMSA_LEVEL_MAX (a release whose lowering the hardware
 * refused: copp_connector_resync writes the derived level, 0, and then init
 * succeeds); anything else is taken as fresh storage.  Close its sessions
 * and DEACTIVATE its keys first (storage once used by a connector and left
 * with sessions open must be zeroed before reuse; a session bound to it
 * then gets COPP_E_UNEXPECTED on every call).  To tell, init reads those
 * fields of c (after checking desc): memory checkers (valgrind, MSan,
 * KMSAN) report that read on storage never written; zero it to keep them
 * quiet.  Openings are numbered on: a re-init keeps counting, and fresh
 * storage starts at a random epoch (8 bytes from randombytes), so that
 * sessions of the storage's earlier life stay refused (see CONVENTIONS).
 * Re-entry: while an init runs, c is busy (CONVENTIONS): every call its
 * callbacks make on c is refused as busy and changes nothing.  On fresh
 * storage that is a marker in c's initialized word until the init returns
 * (the old word is put back on failure); fresh storage that happens to hold
 * that marker (0x494E4954) is refused as busy too: zero it.
 * Returns COPP_S_OK; COPP_E_POINTER if c or desc is NULL, or the certificate
 * pointer is NULL with a non-zero length; COPP_E_UNEXPECTED if c is in use
 * (COPP_REASON_CONNECTOR_IN_USE) or busy (called from one of its own
 * callbacks, or from a callback of its running first init:
 * COPP_REASON_BUSY, not traced); COPP_E_INVALIDARG if a required op is
 * missing or the hardware reports types outside HDCP|ACP|CGMS-A; the
 * HRESULT of get_protection_types if it fails; COPP_E_FAIL if randombytes
 * fails (fresh storage only).  c untouched on failure.  Traced (with the
 * hook c already has) when c was initialized, unless refused as busy or for
 * desc's pointers and ops, which are checked before c is looked at. */
COPP_API int32_t copp_connector_init(copp_connector *c, const copp_connector_desc *desc);

/* copp_open -- COPPOpenVideoSession (spec 4.1).
 *   s  caller storage, zeroed or closed; becomes COPP_STATE_OPENED, bound to c.
 * Counts s at level 0 of every supported type (spec 12.1), which never writes
 * hardware; local level of an unsupported type is COPP_LEVEL_NOT_AVAILABLE.
 * Returns COPP_S_OK; COPP_E_POINTER (NULL); COPP_E_UNEXPECTED if c is not
 * initialized or busy, s is open, c still lists s (zeroed while open), s
 * claims to be open elsewhere (a non-NULL conn and a state other than
 * CLOSED), or s's conn is another initialized connector that still lists s
 * (storage fully zeroed while open elsewhere cannot be told from fresh
 * storage: see CONVENTIONS); COPP_E_OUTOFMEMORY if c already has
 * COPP_MAX_SESSIONS sessions. */
COPP_API int32_t copp_open(copp_connector *c, copp_session *s);

/* copp_get_certificate_length -- COPPGetCertificateLength (spec 4.2).
 *   len  receives the certificate's length in bytes.
 * OPENED -> CERT_LENGTH_RETURNED.
 * Returns COPP_S_OK; COPP_E_POINTER (NULL s or len); COPP_E_UNEXPECTED (state). */
COPP_API int32_t copp_get_certificate_length(copp_session *s, uint32_t *len);

/* copp_key_exchange -- COPPKeyExchange (spec 4.3).
 *   rgh       receives the fresh 16-byte driver random rGH (from randombytes).
 *   cert      receives exactly the registered certificate bytes.
 *   cert_cap  bytes available at cert; must be >= the certificate length.
 * CERT_LENGTH_RETURNED -> KEY_EXCHANGED.
 * Returns COPP_S_OK; COPP_E_POINTER (NULL s, rgh, or cert with a non-empty
 * certificate); COPP_E_UNEXPECTED (state); COPP_E_INVALIDARG (cert_cap too
 * small); the RNG failure as COPP_E_FAIL.  Nothing is written on failure. */
COPP_API int32_t copp_key_exchange(copp_session *s, uint8_t rgh[16], uint8_t *cert, uint32_t cert_cap);

/* copp_sequence_start -- COPPSequenceStart (spec 4.4, 5.11, 10.3).
 *   sig  256-byte DXVA_COPPSignature.
 * Decrypts sig with the backend (raw RSA, little-endian, never OAEP), then
 * reads rGH (16) | kDI (16) | status start (u32 LE) | command start (u32 LE)
 * and ignores the rest.  rGH is compared in constant time.
 * KEY_EXCHANGED -> SESSION_ACTIVE; on failure nothing is stored, the state
 * stays KEY_EXCHANGED and decrypted bytes are wiped (A11).
 * Returns COPP_S_OK; COPP_E_POINTER; COPP_E_UNEXPECTED (state, ciphertext >=
 * modulus or bad padding, plaintext < 40 bytes, rGH mismatch); a backend
 * failure's HRESULT. */
COPP_API int32_t copp_sequence_start(copp_session *s, const uint8_t sig[256]);

/* copp_command -- COPPCommand (spec 4.5, 7, 10.4, 10.6).
 *   cmd  4096-byte DXVA_COPPCommand: macKDI @0, guidCommandID @16,
 *        dwSequence @32, cbSizeData @36, CommandData @40.
 * Checks, in the spec's order: state and binding (E_UNEXPECTED); dwSequence
 * equals the command counter (E_INVALIDARG); known GUID (E_INVALIDARG);
 * cbSizeData at least the payload size and <= 4056 (E_INVALIDARG); AES-CMAC
 * over bytes 16..4095 compared in constant time (E_UNEXPECTED); payload
 * (E_INVALIDARG); then, when the connector level derived from every
 * contributor is not what the hardware carries: check_protection on that
 * derived level -- the level about to be written, not the requested one --
 * and set_protection.  Only a request that raises the derived level can be
 * refused by them (DDERR_TOOBIGSIZE when the mode cannot carry it, or the
 * failing op's HRESULT; nothing changes).  Any other request -- lowering or
 * keeping the session's level, while another contributor's level is what
 * the mode cannot carry -- succeeds: the session's level is what it asked,
 * the hardware keeps what it carries (fail closed) and every session is
 * told COPP_STATUS_LINK_LOST; last_reason and the trace say why.  The
 * payload is read only after the MAC passed; the computed tag is wiped on
 * every path.  On success the command counter advances by one (0xFFFFFFFF
 * wraps to 0).
 * Returns those codes, COPP_E_POINTER, or a failing callback's HRESULT. */
COPP_API int32_t copp_command(copp_session *s, const uint8_t cmd[4096]);

/* copp_query_status -- COPPQueryStatus (spec 4.6, 8, 5.7 - 5.10, 11).
 *   in   4096-byte DXVA_COPPStatusInput (rApp @0, guidStatusRequestID @16,
 *        dwSequence @32, cbSizeData @36, StatusData @40); not authenticated.
 *   out  4096-byte DXVA_COPPStatusOutput, written only on success: zero
 *        filled, cbSizeData @16, reply @20 starting with rApp and dwFlags,
 *        macKDI @0 = AES-CMAC over bytes 16..4095.  May alias in.
 * Checks: state (E_UNEXPECTED); dwSequence equals the status counter
 * (E_INVALIDARG); known GUID (E_INVALIDARG); cbSizeData 0, or exactly 4 for the
 * two level queries (E_INVALIDARG); the level queries' type is one supported
 * type (E_INVALIDARG); the connector supports the request (E_INVALIDARG).
 * dwFlags carries the events latched since this session's last reply, which
 * are then cleared.  On success the status counter advances by one.
 * Returns those codes, COPP_E_POINTER, or a failing callback's HRESULT. */
COPP_API int32_t copp_query_status(copp_session *s, const uint8_t in[4096], uint8_t out[4096]);

/* copp_close -- COPPCloseVideoSession (spec 4.7, 12.3, 12.6).
 * Valid in every open state.  Drops this session's count at its local level
 * of every type, re-derives and applies each connector level (protection
 * stays on while another session needs it), wipes the session key and the
 * whole session (which ends COPP_STATE_CLOSED).  If lowering the hardware
 * fails (or check_protection refuses the lower level) the session is closed
 * all the same; the connector keeps its last applied level and every other
 * session is told COPP_STATUS_LINK_LOST.
 * Returns COPP_S_OK; COPP_E_POINTER (NULL); COPP_E_UNEXPECTED (not open, not
 * bound: see CONVENTIONS, or the connector busy). */
COPP_API int32_t copp_close(copp_session *s);

/* copp_connector_drop_session -- forced release of a slot whose session
 * storage is gone (freed, zeroed or reused while open: a driver bug copp
 * cannot see, see CONVENTIONS).
 *   s  the storage's address, as the connector lists it; compared only,
 *      never read or written.
 * Releases the slot as copp_close does -- every type it holds, fail closed:
 * a lowering the hardware refuses keeps the level and every other session
 * is told COPP_STATUS_LINK_LOST -- and removes it.  Unlike copp_close it
 * does not wipe s or call mac_release (a backend that allocates per session,
 * like OpenSSL's, leaks that session's context), so use copp_close whenever
 * the storage is still yours.  Storage dropped while its bytes still claim
 * the slot gets COPP_E_UNEXPECTED on every call: zero it before reuse.
 * Returns COPP_S_OK; COPP_E_POINTER (NULL c or s); COPP_E_UNEXPECTED (c not
 * initialized or busy; c does not list s: COPP_REASON_NOT_BOUND). */
COPP_API int32_t copp_connector_drop_session(copp_connector *c, const copp_session *s);

/* copp_connector_event -- latch status events (spec 11, A15).
 *   copp_status_flags  COPP_STATUS_LINK_LOST and/or
 *                      COPP_STATUS_RENEGOTIATION_REQUIRED; other bits ignored.
 * Every session bound to c, in any state, reports the flags once, in dwFlags
 * of its next successful status reply.  Events before a reply coalesce.
 * Ignored (not traced) when c is NULL, not initialized or busy. */
COPP_API void copp_connector_event(copp_connector *c, uint32_t copp_status_flags);

/* copp_handle_videoparameters -- IOCTL_VIDEO_HANDLE_VIDEOPARAMETERS (spec 13, 12.4).
 *   in   356-byte VIDEOPARAMETERS as received (little-endian); the Guid
 *        {02C62061-1097-11D1-920F-00A024DF156E} is checked first.
 *   out  356 bytes, written only on success: the structure with GET's
 *        answers or ACTIVATE's dwCPKey.  May alias in.
 * GET: the hardware's TV capabilities (vp_get) plus, when the connector has
 * ACP, COPP_VP_FLAGS_COPYPROTECT and dwCPType = APS trigger.
 * SET with COPP_VP_FLAGS_COPYPROTECT ("multiple session copy protection"):
 *   ACTIVATE    a new key (non-zero, unlike any live key, from randombytes)
 *               in dwCPKey; the key holds ACP at level bCP_APSTriggerBits & 3.
 *   CHANGE      a live key's level becomes bCP_APSTriggerBits & 3 (0 = off).
 *   DEACTIVATE  a live key is released.
 * Each live key is one more contributor to the connector's ACP level, ranked
 * like COPP sessions' levels, so this path never lowers what a COPP session
 * needs and the COPP global-level query reports what it raised.  A key's
 * level goes through the same apply step as a COPP command: check_protection
 * is asked about the derived ACP level about to be written, and a mode that
 * cannot carry it refuses an ACTIVATE or CHANGE that raises the derived
 * level with COPP_ERROR_NOT_SUPPORTED (the Win32 counterpart of COPP's
 * DDERR_TOOBIGSIZE); one that lowers or keeps it is never refused.  Order,
 * so that every failure is fail closed: the new key is drawn (RNG); a move
 * that raises the key's level (ACTIVATE above 0, CHANGE up) is checked and
 * written; then the other flagged members go to vp_set; then a move that
 * lowers or keeps it (CHANGE down, DEACTIVATE, ACTIVATE at 0).  If vp_set
 * fails, a raise made before it is taken back and the hardware is put
 * back at the ACP level it carried before the call (which is not the
 * derived level when an earlier lowering was refused), and nothing else has
 * happened (no event is latched), so a failed SET changes nothing, hardware included (only if
 * that restoring write fails too does the hardware keep the raised level,
 * fail closed, with LinkLost to every session).  A lowering after
 * vp_set cannot fail the call: the key takes its new level (or is released)
 * even if the hardware refuses the write, which keeps the level (fail
 * closed; sessions hear LinkLost).  A key is redrawn at most 8 times while
 * the RNG yields 0 or a live key.  The key is wiped from copp's stack.  A
 * connector without ACP answers a copy-protection SET with COPP_NO_ERROR
 * and does nothing (spec 13.3).
 * Returns a Win32 status: COPP_NO_ERROR; COPP_ERROR_INVALID_PARAMETER (NULL,
 * uninitialized connector, wrong Guid, dwCommand or dwCPCommand, unknown key,
 * a SET of TV members without vp_set); COPP_ERROR_NOT_ENOUGH_MEMORY (all
 * COPP_MAX_VP_KEYS keys live); COPP_ERROR_NOT_SUPPORTED (the mode cannot
 * carry the raised ACP level); COPP_ERROR_GEN_FAILURE (a hardware or RNG
 * callback failed, or 8 draws gave no fresh key); COPP_ERROR_BUSY (called
 * from a callback or the trace hook of this connector).  Nothing changes on
 * failure but in the fail-closed case above. */
COPP_API uint32_t copp_handle_videoparameters(copp_connector *c, const uint8_t in[356], uint8_t out[356]);

/* copp_connector_resync -- after hot-plug, mode change or resume.
 *   copp_status_flags  COPP_STATUS_* to raise to every session (the caller
 *                      knows whether the link was lost or the mode changed).
 * For each supported type: reads the hardware (get_protection, when given);
 * writes the derived level only where the hardware differs, or could not be
 * read (every type when get_protection is NULL or fails); when
 * check_protection says the new mode cannot carry the derived level, or the
 * write fails, leaves that type and raises COPP_STATUS_LINK_LOST.  Signaling
 * state is not re-sent (no op reads it back); the driver restores it if it
 * was lost.  The same apply step as every command (>>protect).
 * Returns COPP_S_OK exactly when every type now carries its derived level (a
 * failed read followed by a good write is no error); otherwise the HRESULT
 * of the first type left without it (check_protection's DDERR_TOOBIGSIZE, or
 * the failing write's; the other types are still handled); COPP_E_POINTER
 * (NULL); COPP_E_UNEXPECTED (connector not initialized, or busy). */
COPP_API int32_t copp_connector_resync(copp_connector *c, uint32_t copp_status_flags);

/* Accessors.  A NULL argument yields COPP_STATE_CLOSED / 0 / COPP_LEVEL_NOT_AVAILABLE;
 * so does a session its connector does not list in the state it claims
 * (see CONVENTIONS: the connector's record is the truth), and an
 * uninitialized connector. */
COPP_API uint32_t copp_session_state(const copp_session *s);        /* COPP_STATE_* */
COPP_API uint32_t copp_session_last_reason(const copp_session *s);  /* COPP_REASON_* */
COPP_API int      copp_is_active(const copp_session *s);            /* 1 if SESSION_ACTIVE */
/* The session's local level of one type, or COPP_LEVEL_NOT_AVAILABLE (not
 * exactly one type bit, a type the connector lacks, or a closed session). */
COPP_API uint32_t copp_session_local_level(const copp_session *s, uint32_t prot_type);
/* The level the connector last applied for one type, or COPP_LEVEL_NOT_AVAILABLE
 * (not exactly one type bit, or a type the connector lacks). */
COPP_API uint32_t copp_connector_level(const copp_connector *c, uint32_t prot_type);
/* Number of sessions bound to c. */
COPP_API uint32_t copp_connector_session_count(const copp_connector *c);
/* Number of live video-port copy-protection keys on c. */
COPP_API uint32_t copp_connector_vp_key_count(const copp_connector *c);
/* Constant text of a reason / the HRESULT's name ("E_UNEXPECTED", ...). */
COPP_API const char *copp_reason_str(uint32_t reason);
COPP_API const char *copp_result_str(int32_t hr);

/* copp_extended_format -- pack a DXVA_ExtendedFormat into 32 bits for
 * copp_display_data.Format, LSB first (spec 9.11, A25): SampleFormat bits 0-7,
 * VideoChromaSubsampling 8-11, NominalRange 12-14, VideoTransferMatrix 15-17,
 * VideoLighting 18-21, VideoPrimaries 22-26, VideoTransferFunction 27-31.
 * Fields wider than their bit-field are truncated. */
COPP_API uint32_t copp_extended_format(uint32_t sample_format, uint32_t chroma_subsampling,
                                       uint32_t nominal_range, uint32_t transfer_matrix,
                                       uint32_t lighting, uint32_t primaries,
                                       uint32_t transfer_function);

/* >>recorder (optional: COPP_WITH_RECORDER) --------------------------------- */
/* Transcript format constants (docs/transcript.md): header, record, item
 * kinds and ids.  Defined in every configuration, for readers. */
#define COPP_TRANSCRIPT_MAGIC        "CPTR"   /* bytes 0..3 of a transcript */
#define COPP_TRANSCRIPT_HEADER_BYTES 40u
#define COPP_REC_HEADER_BYTES        12u      /* u32 length, u32 seq, u16 call, u16 0 */
#define COPP_REC_ITEM_HEADER_BYTES   4u       /* u8 kind, u8 id, u16 payload length */
#define COPP_REC_END_BYTES           44u      /* payload of the END item */
#define COPP_REC_NONE                0xFFFFFFFFu /* END slot: no session; WIRE length: a NULL pointer */
#define COPP_REC_KIND_INPUT    1u
#define COPP_REC_KIND_CALLBACK 2u
#define COPP_REC_KIND_OUTPUT   3u
#define COPP_REC_KIND_END      4u
#define COPP_REC_ITEM_ARGS     1u   /* input: u32 NULL-pointer mask, u32 scalar argument */
#define COPP_REC_ITEM_WIRE     2u   /* input/output: u32 full length, leading bytes to the last non-zero */
#define COPP_REC_ITEM_DESC     3u   /* input of init: the connector description */
#define COPP_REC_ITEM_VALUE    4u   /* output: u32 */
#define COPP_REC_ITEM_WITHHELD 5u   /* output: u32 length of a secret not stored */
#define COPP_REC_CB_GET_PROTECTION_TYPES 1u   /* callbacks: copp_hw_ops in member order */
#define COPP_REC_CB_SET_PROTECTION       2u
#define COPP_REC_CB_GET_PROTECTION       3u
#define COPP_REC_CB_CHECK_PROTECTION     4u
#define COPP_REC_CB_GET_CONNECTOR_TYPE   5u
#define COPP_REC_CB_GET_BUS_TYPE         6u
#define COPP_REC_CB_GET_DISPLAY_DATA     7u
#define COPP_REC_CB_GET_HDCP_KEY_DATA    8u
#define COPP_REC_CB_GET_TV_STANDARDS     9u
#define COPP_REC_CB_SET_SIGNALING        10u
#define COPP_REC_CB_VP_GET               11u
#define COPP_REC_CB_VP_SET               12u
#define COPP_REC_CB_RANDOMBYTES          32u  /* then copp_crypto in member order */
#define COPP_REC_CB_RSA_DECRYPT          33u
#define COPP_REC_CB_MAC_INIT             34u
#define COPP_REC_CB_MAC                  35u
#define COPP_REC_CB_MAC_RELEASE          36u
#define COPP_REC_CB_OAEP_DECRYPT         37u

#ifdef COPP_WITH_RECORDER
/* Field diagnostics: with desc.recorder set, every public call on the
 * connector (copp_connector_init and every call that reaches it, as the
 * trace: none for a call refused as busy) appends one record to a
 * caller-owned ring buffer: the call, its inputs as wire bytes, every
 * hardware and crypto callback it made with its arguments and results, its
 * outputs and its result.  copp_recorder_export writes the transcript (a
 * header, then the records oldest first); coppdump --replay re-executes it.
 * Format, sizes and secrets policy: docs/transcript.md (version
 * COPP_TRANSCRIPT_VERSION).  Key material is never stored: kDI, the
 * decrypted start sequence (but its two start sequence numbers, which the
 * next command and status request carry in the clear), the RSA output, rGH
 * (its RNG bytes and the key exchange's output) and a computed tag that did
 * not match (BAD_MAC) are replaced by their lengths; ciphertexts and the
 * MACs that go on the wire are kept.  When the ring is full the oldest
 * records are dropped (counted in the header); a record larger than the
 * whole ring is dropped too.  No allocation; the callbacks cost one shim
 * call each.  The recorder belongs to one connector and is serialized with
 * it (CONVENTIONS, Locking). */
#define COPP_TRANSCRIPT_VERSION 1u
#define COPP_VERSION_NUMBER     0x000100u   /* 0.1.0: major << 16 | minor << 8 | patch */
/* DANGEROUS, debug only: keep kDI (the session's MAC key) in the
 * transcript, so that a replay can re-verify every MAC.  Anyone holding
 * such a transcript can forge commands and replies for its sessions while
 * they live.  Never in a release build or a field report from a user. */
#define COPP_RECORDER_KEEP_MAC_KEY 0x1u

/* A recorder: caller storage, set up by copp_recorder_init; fields private. */
typedef struct copp_recorder {
    uint8_t *buf;          /* the ring: cap bytes of caller storage */
    uint32_t cap;
    uint32_t flags;        /* COPP_RECORDER_* */
    uint32_t tail;         /* ring offset of the oldest whole record */
    uint32_t used;         /* bytes of whole records from tail */
    uint32_t records;      /* whole records held */
    uint32_t next_seq;     /* number of the next record (the first is 0) */
    uint32_t dropped;      /* records dropped: evicted by newer ones, or larger than the ring */
    uint32_t protection_types; /* the connector's, as its last init read them */
    uint32_t open;         /* 1 while a call's record is being written */
    uint32_t len;          /* bytes of the record being written */
    uint32_t lost;         /* 1: it did not fit; it is dropped at its end */
    uint32_t call;         /* its COPP_CALL_* */
    uint32_t tag_at;       /* record offset of a command's computed tag (its kept byte); 0: none */
} copp_recorder;

/* copp_recorder_init -- an empty recorder over buf.
 *   buf, cap  caller storage for the ring (at least 64 bytes; a record is
 *             about 100 bytes to 4.3 KB, docs/transcript.md); kept, not copied.
 *   flags     0, or COPP_RECORDER_KEEP_MAC_KEY (dangerous, see above).
 * Set desc.recorder to it before copp_connector_init.
 * Returns COPP_S_OK; COPP_E_POINTER (NULL r or buf); COPP_E_INVALIDARG (cap
 * < 64 or > 2^30, unknown flag bits). */
COPP_API int32_t copp_recorder_init(copp_recorder *r, uint8_t *buf, uint32_t cap, uint32_t flags);

/* copp_recorder_export -- the transcript: the 40-byte header, then every
 * whole record held, oldest first (docs/transcript.md).
 *   out  receives it; NULL: only *len is set (the size needed).
 *   cap  bytes at out.
 * Call it between calls on the connector (not from a callback).
 * Returns COPP_S_OK; COPP_E_POINTER (NULL r or len); COPP_E_INVALIDARG
 * (cap < *len, which is set; nothing written). */
COPP_API int32_t copp_recorder_export(const copp_recorder *r, uint8_t *out, uint32_t cap, uint32_t *len);
#endif /* COPP_WITH_RECORDER */

/* An RSA private key as big-endian byte strings, in PKCS #1 order, for the
 * optional backends.  d is needed by the OpenSSL backend only. */
typedef struct copp_bytes { const uint8_t *p; size_t len; } copp_bytes;
typedef struct copp_rsa_private_key {
    copp_bytes n, e, d, p, q, dp, dq, qinv;
} copp_rsa_private_key;

/* >>opm: Output Protection Manager entry points (OPM.md) ------------------ */
/* STATUS OF THIS REVISION: declarations only.  The nine entry points and
 * the eight IddCx helpers below are NOT YET IMPLEMENTED: each returns
 * COPP_STATUS_NOT_SUPPORTED and changes nothing.  The accessors,
 * copp_ntstatus_str and the app helpers work. */
/* Shaped like the nine v1 DxgkDdiOPM* DDIs (OPM.md 1.2): the adapter is the
 * connector (one copp_connector per physical output; the certificates and
 * the OPM key are the same in every connector of an adapter), a protected
 * output is a caller-owned copp_opm_output bound to one connector (its
 * address is the handle), wire structures are byte arrays (little-endian,
 * GUIDs in Windows memory order), results are NTSTATUS (COPP_STATUS_*).
 * The driver maps D3DDDI_VIDEO_PRESENT_TARGET_ID to the connector itself and
 * returns COPP_STATUS_GRAPHICS_OPM_SPANNING_MODE_ENABLED /
 * _THEATER_MODE_ENABLED for a target that drives several connectors.
 *
 * Common to every call (docs/opm-core.md):
 *   - the opm ready hook (HFS gate, 1.2) runs first: failure
 *     COPP_STATUS_GRAPHICS_PVP_HFS_FAILED;
 *   - po NULL, not bound to an initialized connector, a stale copy or a
 *     COPP session's storage: COPP_STATUS_GRAPHICS_OPM_INVALID_HANDLE (2.3);
 *     other NULL pointers: COPP_STATUS_GRAPHICS_OPM_INVALID_POINTER;
 *   - a call in the wrong state (2.2; repeated GetRandomNumber or
 *     SetSigningKey, a request before SetSigningKey) and a call re-entered
 *     from a callback: COPP_STATUS_INVALID_DEVICE_STATE (A-OPM-3);
 *   - a failed call changes nothing: no state, level, counter, event,
 *     register or output byte (only the diagnostic last_reason);
 *   - a failing hardware or crypto callback:
 *     COPP_STATUS_GRAPHICS_OPM_DRIVER_INTERNAL_ERROR;
 *   - the trace hook gets one record per call (COPP_CALL_OPM_*), the
 *     po's embedded session as copp_trace.session.
 * Check order (A-OPM-7): handle, state, semantics, OMAC, sequence number,
 * size and GUID, content; the untrusted payload is read only after the OMAC
 * passed.  Sequence numbers advance only on success (A-OPM-6, COPP A4),
 * modulo 2^32; -DCOPP_OPM_ADVANCE_ON_MATCH advances them once OMAC and
 * number match, whatever follows. */

/* copp_opm_get_certificate_size -- DxgkDdiOPMGetCertificateSize (7.7).
 *   certificate_type  COPP_DXGKMDT_*_CERTIFICATE.
 *   size              receives the registered certificate's length, bytes.
 * Adapter-level: no protected output, no state.  Returns
 * COPP_STATUS_SUCCESS; COPP_STATUS_GRAPHICS_OPM_INVALID_POINTER (NULL c or
 * size); COPP_STATUS_INVALID_DEVICE_STATE (c not initialized, or busy);
 * COPP_STATUS_INVALID_PARAMETER (type > 3); for a type with no certificate
 * registered (NULL, length 0): COPP_STATUS_GRAPHICS_OPM_NOT_SUPPORTED (OPM
 * and indirect-display), _COPP_NOT_SUPPORTED, _UAB_NOT_SUPPORTED;
 * COPP_STATUS_GRAPHICS_PVP_HFS_FAILED. */
COPP_API int32_t copp_opm_get_certificate_size(copp_connector *c, uint32_t certificate_type, uint32_t *size);

/* copp_opm_get_certificate -- DxgkDdiOPMGetCertificate (7.7).
 *   buf, size  receives exactly the registered bytes; size must be at least
 *              the certificate length (bytes after it are not written).
 * Returns what copp_opm_get_certificate_size returns, and
 * COPP_STATUS_GRAPHICS_PVP_INVALID_CERTIFICATE_LENGTH (size too small). */
COPP_API int32_t copp_opm_get_certificate(copp_connector *c, uint32_t certificate_type, uint8_t *buf, uint32_t size);

/* copp_opm_create_protected_output -- DxgkDdiOPMCreateProtectedOutput (2.1, 11.2).
 *   po         caller storage, zeroed or destroyed; becomes COPP_STATE_PO_CREATED.
 *   semantics  COPP_OPM_VOS_*: fixed for the output's life.
 * Draws the output's 128-bit random number (randombytes) and counts the
 * output at level 0 of every supported type (no hardware write), as
 * copp_open does for a COPP session.  OPM semantics need crypto->oaep_decrypt
 * and an OPM certificate; indirect-display semantics (2, treated as OPM:
 * A-OPM-12) also COPP_OPM_ALLOW_INDIRECT_DISPLAY in desc.opm_flags.
 * Returns COPP_STATUS_SUCCESS; _OPM_INVALID_POINTER (NULL c or po);
 * COPP_STATUS_INVALID_DEVICE_STATE (c not initialized or busy; po already
 * created); COPP_STATUS_GRAPHICS_OPM_INVALID_HANDLE (po claims another
 * opening); COPP_STATUS_INVALID_PARAMETER (semantics > 2);
 * COPP_STATUS_GRAPHICS_OPM_NOT_SUPPORTED (OPM or indirect semantics not
 * served); COPP_STATUS_NO_MEMORY (COPP_MAX_SESSIONS sessions and outputs on
 * c); _OPM_DRIVER_INTERNAL_ERROR (RNG failed); _PVP_HFS_FAILED. */
COPP_API int32_t copp_opm_create_protected_output(copp_connector *c, copp_opm_output *po, uint32_t semantics);

/* copp_opm_get_random_number -- DxgkDdiOPMGetRandomNumber (2.2, 7.5).
 *   random  receives the output's 16-byte random number (drawn at create).
 * PO_CREATED -> PO_RANDOM_ISSUED; once only.  Returns COPP_STATUS_SUCCESS
 * or the common codes. */
COPP_API int32_t copp_opm_get_random_number(copp_opm_output *po, uint8_t random[16]);

/* copp_opm_set_signing_key_and_sequence_numbers --
 * DxgkDdiOPMSetSigningKeyAndSequenceNumbers (2.2, 2.3, 4.16, 7.2, 7.3).
 *   encrypted  256-byte OPM_ENCRYPTED_INITIALIZATION_PARAMETERS.
 * OPM (and indirect) semantics: RSAES-OAEP-SHA-512 (crypto->oaep_decrypt
 * with desc.opm_crypto_user, big-endian ciphertext), a message of 40..126
 * bytes (A-OPM-2; bytes 40.. ignored).  COPP semantics: the COPP decoder of
 * copp_sequence_start (crypto->rsa_decrypt, never OAEP, 7.3).  Then: the
 * output's random number (compared in constant time) | K | info start (u32
 * LE) | configure start (u32 LE).  PO_RANDOM_ISSUED -> PO_ACTIVE; on failure
 * nothing is stored and the output stays PO_RANDOM_ISSUED (A-OPM-4: a retry
 * with the same random number is possible); decrypted bytes are wiped.
 * Returns COPP_STATUS_SUCCESS;
 * COPP_STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS for every ciphertext
 * that does not decrypt or decode, a message shorter than 40 (or longer than
 * 126) bytes and a random-number mismatch (one code and one reason, no
 * padding oracle); the common codes. */
COPP_API int32_t copp_opm_set_signing_key_and_sequence_numbers(copp_opm_output *po, const uint8_t encrypted[256]);

/* copp_opm_get_information -- DxgkDdiOPMGetInformation (8, 5.1, 7.4, 10).
 *   in   4112-byte OPM_GET_INFO_PARAMETERS (omac @0 over bytes 16..4111,
 *        rnRandomNumber @16, guidInformation @32, ulSequenceNumber @48,
 *        cbParametersSize @52, abParameters @56).
 *   out  4096-byte OPM_REQUESTED_INFORMATION, written only on success: zero
 *        filled, cbRequestedInformationSize @16, the reply @20 starting with
 *        the echoed rnRandomNumber, omac @0 over bytes 16..4095.  May not
 *        alias in.
 * PO_ACTIVE, OPM or indirect semantics only.  Requests (5.1): CONNECTOR_TYPE,
 * SUPPORTED_PROTECTION_TYPES, VIRTUAL/ACTUAL_PROTECTION_LEVEL, ACTUAL_OUTPUT_FORMAT,
 * ADAPTER_BUS_TYPE, CURRENT_HDCP_SRM_VERSION, OUTPUT_ID, DVI_CHARACTERISTICS,
 * CODEC_INFO, OUTPUT_HARDWARE_PROTECTION_SUPPORT.  ulStatusFlags carries the
 * events latched since this output's last reply (then cleared) and, while
 * a revoked HDCP device is attached and HDCP is on, REVOKED | LINK_LOST on
 * every STANDARD and ACTUAL_OUTPUT_FORMAT reply (A-OPM-8).  On success the
 * information counter advances by one.
 * Returns COPP_STATUS_SUCCESS;
 * _OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_OPM_SEMANTICS (a COPP-semantics output);
 * _OPM_INVALID_INFORMATION_REQUEST (bad OMAC, or ulSequenceNumber is not the
 * information counter); COPP_STATUS_INVALID_PARAMETER (cbParametersSize >
 * 4056, < 4 for a level request, < 4 + cbVerifier for CODEC_INFO; a
 * protection type that is not exactly one known type);
 * COPP_STATUS_NOT_SUPPORTED (unknown GUID (A-OPM-15), a request the
 * hardware cannot answer: no display data, output id, DVI, codec hook);
 * _OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS (ACP_AND_CGMSA_SIGNALING,
 * CONNECTED_HDCP_DEVICE_INFORMATION, type COPP_COMPATIBLE_HDCP: A-OPM-25);
 * _OPM_OUTPUT_DOES_NOT_SUPPORT_HDCP (SRM version without HDCP);
 * _OPM_HDCP_SRM_NEVER_SET (SRM version before this output set one, A-OPM-19);
 * the common codes. */
COPP_API int32_t copp_opm_get_information(copp_opm_output *po, const uint8_t in[4112], uint8_t out[4096]);

/* copp_opm_get_copp_compatible_information --
 * DxgkDdiOPMGetCOPPCompatibleInformation (8, 5.1).
 *   in   4096-byte OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS (unsigned:
 *        rnRandomNumber @0, guidInformation @16, ulSequenceNumber @32,
 *        cbParametersSize @36, abParameters @40).
 *   out  as copp_opm_get_information.
 * PO_ACTIVE, COPP semantics only.  The eight COPP requests with COPP
 * semantics' values (supported types only 0x1/0x2/0x4; connector and bus
 * type with COPP's INTERNAL/INTEGRATED flags; TAMPERING reported as
 * LINK_LOST, REVOKED never; ACTUAL_OUTPUT_FORMAT's offset 28 is the
 * interleave value, A-OPM-22).
 * Returns as copp_opm_get_information, with
 * _OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS for an OPM-semantics
 * output, _OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_OPM_SEMANTICS for the OPM-only
 * requests and types (A-OPM-23, A-OPM-25), _OPM_INVALID_INFORMATION_REQUEST
 * for a wrong ulSequenceNumber, _OPM_SIGNALING_NOT_SUPPORTED (no TV
 * protection standard) and _OPM_OUTPUT_DOES_NOT_SUPPORT_HDCP (HDCP device
 * information without HDCP). */
COPP_API int32_t copp_opm_get_copp_compatible_information(copp_opm_output *po, const uint8_t in[4096],
                                                          uint8_t out[4096]);

/* copp_opm_configure_protected_output -- DxgkDdiOPMConfigureProtectedOutput (9, 11.2).
 *   in               4096-byte OPM_CONFIGURE_PARAMETERS (omac @0 over bytes
 *                    16..4095, guidSetting @16, ulSequenceNumber @32,
 *                    cbParametersSize @36, abParameters @40).
 *   additional_size  bytes at additional: the SRM of SET_HDCP_SRM; 0 (and
 *   additional       NULL allowed) for every other command and for COPP
 *                    semantics.  Not covered by the OMAC (7.4).
 * PO_ACTIVE.  Commands: SET_PROTECTION_LEVEL (both), SET_ACP_AND_CGMSA_SIGNALING
 * (COPP), SET_HDCP_SRM and SET_PROTECTION_LEVEL_ACCORDING_TO_CSS_DVD (OPM).
 * A level sets this output's virtual level; the connector's level is
 * re-derived from every contributor (COPP sessions, video-port keys, outputs
 * of both semantics) by the precedence tables (11.2, A-OPM-9) through the
 * one apply step of COPP commands.  On success the configure counter
 * advances by one.  Returns COPP_STATUS_SUCCESS;
 * _OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_OPM_SEMANTICS (COPP semantics with
 * additional parameters; SET_HDCP_SRM, CSS_DVD, types HDCP/DPCP/
 * TYPE_ENFORCEMENT_HDCP under COPP semantics);
 * _OPM_INVALID_CONFIGURATION_REQUEST (bad OMAC or ulSequenceNumber);
 * COPP_STATUS_INVALID_PARAMETER (cbParametersSize > 4056 or below the
 * payload, additional parameters with another command, additional_size
 * with NULL, bad level, non-zero reserved words, bad signaling);
 * COPP_STATUS_NOT_SUPPORTED (unknown GUID; DPCP or type-enforcement HDCP the
 * connector lacks; no SRM hook: A-OPM-17);
 * _OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS (SET_ACP_AND_CGMSA_SIGNALING,
 * type COPP_COMPATIBLE_HDCP, CGMS-A with redistribution control under OPM
 * semantics); _OPM_OUTPUT_DOES_NOT_SUPPORT_HDCP / _ACP / _CGMSA (the
 * connector lacks the type); _OPM_RESOLUTION_TOO_HIGH (the display mode
 * cannot carry the derived level); _OPM_ALL_HDCP_HARDWARE_ALREADY_IN_USE
 * (set_protection returned COPP_DDERR_CURRENTLYNOTAVAIL); _OPM_INVALID_SRM;
 * _OPM_SIGNALING_NOT_SUPPORTED; the common codes. */
COPP_API int32_t copp_opm_configure_protected_output(copp_opm_output *po, const uint8_t in[4096],
                                                     uint32_t additional_size, const uint8_t *additional);

/* copp_opm_destroy_protected_output -- DxgkDdiOPMDestroyProtectedOutput (11.3).
 * Valid in every PO state; never fails for a valid handle: removes the
 * output's contribution of every type, re-derives and applies the connector
 * levels (fail closed: a lowering the hardware refuses keeps the level and
 * every other session and output hears LINK_LOST), wipes K and the whole
 * output (which ends COPP_STATE_CLOSED).
 * Returns COPP_STATUS_SUCCESS; COPP_STATUS_GRAPHICS_OPM_INVALID_HANDLE (not
 * a bound output); COPP_STATUS_INVALID_DEVICE_STATE (connector busy: called
 * from a callback). */
COPP_API int32_t copp_opm_destroy_protected_output(copp_opm_output *po);

/* Accessors (the connector's record; see copp_session_state).  State:
 * COPP_STATE_PO_* or COPP_STATE_CLOSED.  Semantics: COPP_OPM_VOS_*, or
 * 0xFFFFFFFF for an output that is not bound.  Virtual level of one
 * COPP_OPM_PROTECTION_TYPE_* bit, or COPP_LEVEL_NOT_AVAILABLE (not bound, a
 * type of the other semantics, a type the connector lacks). */
COPP_API uint32_t copp_opm_state(const copp_opm_output *po);
COPP_API uint32_t copp_opm_semantics(const copp_opm_output *po);
COPP_API uint32_t copp_opm_virtual_level(const copp_opm_output *po, uint32_t opm_prot_type);
COPP_API uint32_t copp_opm_last_reason(const copp_opm_output *po);   /* COPP_REASON_* */
/* The ntstatus.h name of a COPP_STATUS_* value ("STATUS_GRAPHICS_OPM_INVALID_HANDLE"),
 * "NTSTATUS" for another value ("" under COPP_NO_STRINGS). */
COPP_API const char *copp_ntstatus_str(int32_t status);

/* IddCx (OPM.md 1.3, 12): the eight EVT_IDD_CX_MONITOR_OPM_* callbacks on the
 * same core.  The driver passes IDDCX_OPMCTX's copp_opm_output, the fields of
 * the IDARG structures and the Size-prefixed IDDCX_OPM_* wrappers as bytes:
 * the UINT Size at offset 0 must equal the wrapper's size (else
 * COPP_STATUS_INVALID_PARAMETER, nothing done); the OMACs cover the inner
 * structure only (inner offset 16.., outer 20..).  IddCx has no
 * COPP-compatible information callback, so create refuses COPP semantics
 * (COPP_STATUS_GRAPHICS_COPP_NOT_SUPPORTED) and accepts indirect-display
 * semantics without COPP_OPM_ALLOW_INDIRECT_DISPLAY.  certificate_type is
 * typed OPM_VIDEO_OUTPUT_SEMANTICS in IddCx (A-OPM-13): any value selects
 * the indirect-display certificate when one is registered, else the OPM
 * certificate.  Results, checks and traces are those of the copp_opm_*
 * entry point each one calls. */
COPP_API int32_t copp_iddcx_opm_get_certificate_size(copp_connector *c, uint32_t certificate_type, uint32_t *size);
COPP_API int32_t copp_iddcx_opm_get_certificate(copp_connector *c, uint32_t certificate_type,
                                                uint8_t *buf, uint32_t size);
COPP_API int32_t copp_iddcx_opm_create_protected_output(copp_connector *c, copp_opm_output *po, uint32_t semantics);
/* out: IDDCX_OPM_GET_RANDOM_NUMBER (Size = 20 written @0, random @4). */
COPP_API int32_t copp_iddcx_opm_get_random_number(copp_opm_output *po, uint8_t out[20]);
/* in: IDDCX_OPM_ENCRYPTED_INITIALIZATION_PARAMETERS (Size 260 @0, 256 bytes @4). */
COPP_API int32_t copp_iddcx_opm_set_signing_key_and_sequence_numbers(copp_opm_output *po, const uint8_t in[260]);
/* in: IDDCX_OPM_GET_INFO_PARAMETERS (Size 4116); out: IDDCX_OPM_REQUESTED_INFORMATION
 * (Size = 4100 written @0, OPM_REQUESTED_INFORMATION @4), written only on success. */
COPP_API int32_t copp_iddcx_opm_get_information(copp_opm_output *po, const uint8_t in[4116], uint8_t out[4100]);
/* in: IDDCX_OPM_CONFIGURE_PARAMETERS (Size 4100); then the IDARG's
 * AdditionalParametersSizeInBytes and pAdditionalParameters. */
COPP_API int32_t copp_iddcx_opm_configure_protected_output(copp_opm_output *po, const uint8_t in[4100],
                                                           uint32_t additional_size, const uint8_t *additional);
COPP_API int32_t copp_iddcx_opm_destroy_protected_output(copp_opm_output *po);

/* >>keys (key loading and validation, shared by the optional backends) ------ */
#if defined(COPP_WITH_LIBTOM) || defined(COPP_WITH_OPENSSL) || defined(COPP_WITH_BEARSSL)
/* Each backend init (copp_libtom_init*, copp_openssl_init*, copp_bearssl_init*) validates the
 * whole key before it accepts it, and records why it refused one in the
 * backend object's key_reason (COPP_KEY_OK after a success):
 * name, value, the HRESULT the init returns, text.  Values are append-only.
 * Nothing reaches libtomcrypt or OpenSSL that would make them abort:
 * NULL and empty inputs are refused first. */
#define COPP__KEY_REASONS(X) \
    X(OK,                0, COPP_S_OK,          "key loaded and validated") \
    X(NULL_POINTER,      1, COPP_E_POINTER,     "a required pointer is NULL") \
    X(BAD_FLAGS,         2, COPP_E_INVALIDARG,  "unknown flag bits") \
    X(EMPTY,             3, COPP_E_INVALIDARG,  "the key encoding is empty (0 bytes)") \
    X(TOO_LONG,          4, COPP_E_INVALIDARG,  "the key encoding is longer than COPP_KEY_MAX_BYTES (libtom: or its PEM body decodes to more than 4096 bytes)") \
    X(NOT_PEM,           5, COPP_E_INVALIDARG,  "no PEM block: no '-----BEGIN <label>-----' line with its matching '-----END <label>-----' line") \
    X(BAD_BASE64,        6, COPP_E_INVALIDARG,  "the PEM body is not base64 (a character outside the alphabet, or a line that is not whole 4-character groups)") \
    X(ENCRYPTED,         7, COPP_E_INVALIDARG,  "the key is encrypted (PKCS #8 EncryptedPrivateKeyInfo, or PEM Proc-Type 4,ENCRYPTED): decrypt it first, e.g. openssl pkey -in KEY -out PLAIN") \
    X(NOT_PRIVATE_KEY,   8, COPP_E_INVALIDARG,  "not an RSA private key in PKCS #1 or PKCS #8 DER (truncated, garbage, a public key, another algorithm, or a PEM label other than RSA PRIVATE KEY / PRIVATE KEY)") \
    X(MISSING_COMPONENT, 9, COPP_E_INVALIDARG,  "a key component is missing, empty or longer than 512 bytes (n, e, p, q, dp, dq, qinv; and d for OpenSSL)") \
    X(NOT_2048_BITS,    10, COPP_E_INVALIDARG,  "the modulus is not 2048 bits (COPP keys are RSA-2048, spec 10.1)") \
    X(BAD_EXPONENT,     11, COPP_E_INVALIDARG,  "the public exponent e is even, below 3, or longer than 4 bytes (spec 10.2)") \
    X(INCONSISTENT,     12, COPP_E_INVALIDARG,  "the components are not one RSA key: n != p q, or d, dp, dq or qinv do not match p, q and e, or a test private operation did not undo the public one") \
    X(OUT_OF_MEMORY,    13, COPP_E_OUTOFMEMORY, "the crypto library could not allocate") \
    X(LIBRARY_FAILED,   14, COPP_E_FAIL,        "the crypto library failed (cipher registration or fetch, decoder setup)")

enum {
#define COPP__X(name, value, hr, text) COPP_KEY_##name = value,
    COPP__KEY_REASONS(COPP__X)
#undef COPP__X
    COPP_KEY_COUNT_
};

/* Longest key encoding (DER or PEM) the *_init_der / *_init_pem functions
 * read; an RSA-2048 private key is about 1.2 KB as DER and 1.7 KB as PEM. */
#define COPP_KEY_MAX_BYTES 8192u

/* Constant text of a COPP_KEY_* reason ("" under COPP_NO_STRINGS). */
COPP_API const char *copp_key_reason_str(uint32_t reason);
#endif

/* >>libtom (optional default crypto backend) -------------------------------- */
#ifdef COPP_WITH_LIBTOM
#include <tommath.h>
#include <tomcrypt.h>


/* Backend flags (spec 10.3, A1).  Default 0: raw RSA, little-endian in and out. */
#define COPP_LIBTOM_RSA_BIG_ENDIAN 0x1u /* ciphertext arrives big-endian */
#define COPP_LIBTOM_RSA_PKCS1V15   0x2u /* strip PKCS #1 v1.5 type 2 padding (apps
                                           that CryptEncrypt the 40 bytes unreversed) */

/* State of the libtom backend: pass its address as crypto_user.  One per
 * connector (its MAC scratch is used by every session of that connector).
 * libtommath allocates its digits from the C heap and its mp_exptmod keeps a
 * window table of about 6 KB on the stack (256 mp_int headers: sizes and
 * pointers, not wiped; the digits are on the heap); copp itself does
 * neither.  A kernel driver plugs in its own crypto.
 * Heap residue: copp wipes every mp_int it owns before libtommath frees it,
 * but libtommath 1.2 (the system library) frees its own temporaries, and the
 * old digits of a value it grows, without zeroing them.  After every
 * sequence start -- a failed one too -- freed heap blocks hold the unreduced
 * plaintext (kDI by one reduction mod n) and multiples of p and q (a prime
 * factor of n by one gcd); make heap-residue counts them.  Where freed heap
 * can be read by anyone else (a shared or reused heap, crash dumps), use the
 * OpenSSL backend, which leaves none (make heap-residue asserts it). */
typedef struct copp_libtom {
    mp_int n, e, p, q, dp, dq, qinv;
    int (*randombytes)(void *user, uint8_t *buf, size_t len); /* blinding + rGH */
    void *rng_user;
    uint32_t flags;
    uint32_t key_reason; /* COPP_KEY_*: why the last init refused the key; COPP_KEY_OK after success */
    int keyed;          /* 1: holds a private key; 0: MAC only (copp_libtom_init_mac) */
    int aes;            /* libtomcrypt cipher index of AES */
    omac_state work;    /* per-message CMAC scratch, copied from the session's keyed state */
    uint8_t msg[4096];  /* a message and its zero tail, contiguous: omac_process keeps its
                           last block buffered, so one call is much faster than several;
                           also the scratch of key decoding at init */
} copp_libtom;

/* copp_libtom_init -- load and validate a 2048-bit key given as components.
 *   k       caller storage, zeroed or released by copp_libtom_free: every
 *           init (the _der / _pem / _mac ones too) overwrites k without
 *           freeing it, so an init over a loaded key leaks that key's digits
 *           unwiped on the heap.
 *   key     n, e, p, q, dp, dq, qinv big-endian (leading zero bytes allowed,
 *           at most 512 bytes each); d is optional here (checked when given).
 *   rng     the RNG hook (NULL: copp_libtom_randombytes, the OS generator).
 *   flags   COPP_LIBTOM_RSA_* or 0.
 * Validation: n is 2048 bits; e is odd, >= 3 and at most 4 bytes; n = p q;
 * e dp = 1 mod (p - 1); e dq = 1 mod (q - 1); q qinv = 1 mod p; with d,
 * e d = 1 mod lcm(p - 1, q - 1); and a test private operation (CRT, as
 * sequence start uses it) on a fixed value undoes the public one.  p and q
 * are not tested for primality (the OpenSSL backend's check does).
 * Registers libtomcrypt's AES descriptor (idempotent).
 * Returns COPP_S_OK, or the HRESULT of k->key_reason (COPP_KEY_*, see
 * >>keys): COPP_E_POINTER (NULL k or key; k->key_reason is then set only
 * when k is not NULL); COPP_E_INVALIDARG (BAD_FLAGS, MISSING_COMPONENT,
 * NOT_2048_BITS, BAD_EXPONENT, INCONSISTENT); COPP_E_OUTOFMEMORY; COPP_E_FAIL
 * (LIBRARY_FAILED).  On failure k holds no key (nothing to free). */
COPP_API int32_t copp_libtom_init(copp_libtom *k, const copp_rsa_private_key *key,
                                  int (*rng)(void *user, uint8_t *buf, size_t len),
                                  void *rng_user, uint32_t flags);
/* copp_libtom_init_der -- the same from a DER encoding, decoded by
 * libtomcrypt: PKCS #1 RSAPrivateKey (rsa_import) or unencrypted PKCS #8
 * PrivateKeyInfo (rsa_import_pkcs8), 1 .. COPP_KEY_MAX_BYTES bytes (bytes
 * after the key are ignored, as libtomcrypt does).  libtomcrypt's RSA
 * import needs its math descriptor: when none is set (ltc_mp.name == NULL),
 * this sets ltc_mp = ltm_desc, the one global libtomcrypt keeps (do the
 * first init before other threads use libtomcrypt).  Extra results (k->key_reason): EMPTY, TOO_LONG, ENCRYPTED,
 * NOT_PRIVATE_KEY, all COPP_E_INVALIDARG; COPP_E_POINTER for NULL der. */
COPP_API int32_t copp_libtom_init_der(copp_libtom *k, const uint8_t *der, size_t len,
                                      int (*rng)(void *user, uint8_t *buf, size_t len),
                                      void *rng_user, uint32_t flags);
/* copp_libtom_init_pem -- the same from PEM text (RFC 7468): the first PEM
 * block, which must be '-----BEGIN RSA PRIVATE KEY-----' (PKCS #1) or
 * '-----BEGIN PRIVATE KEY-----' (PKCS #8), its body decoded line by line with libtomcrypt's strict
 * base64 into k's scratch, then as copp_libtom_init_der.  Text before the
 * block is ignored.  Extra results: NOT_PEM, BAD_BASE64, ENCRYPTED
 * ('ENCRYPTED PRIVATE KEY' or a Proc-Type header), NOT_PRIVATE_KEY (another
 * label, e.g. PUBLIC KEY). */
COPP_API int32_t copp_libtom_init_pem(copp_libtom *k, const char *pem, size_t len,
                                      int (*rng)(void *user, uint8_t *buf, size_t len),
                                      void *rng_user, uint32_t flags);
/* copp_libtom_init_mac -- MAC only, no key: for the application side, which
 * keys its AES-128-CMAC with kDI through copp_libtom_crypto()->mac_init and
 * then uses copp_app_mac_command / copp_app_verify_status (docs/protocol.md).
 * rsa_decrypt on such an object returns COPP_E_FAIL; randombytes is the OS
 * generator.  Returns COPP_S_OK, COPP_E_POINTER, COPP_E_FAIL (LIBRARY_FAILED). */
COPP_API int32_t copp_libtom_init_mac(copp_libtom *k);
/* copp_libtom_public_key -- the loaded key's public half, for the
 * certificate (spec 10.2): n as 256 big-endian bytes, e as *e_len (1..4)
 * big-endian bytes.  Returns COPP_S_OK, COPP_E_POINTER, COPP_E_UNEXPECTED
 * (k holds no key). */
COPP_API int32_t copp_libtom_public_key(const copp_libtom *k, uint8_t n[256], uint8_t e[4], size_t *e_len);
/* Release the key (digits are zeroed before libtommath frees them).  Safe on
 * a zeroed object and after a failed init. */
COPP_API void copp_libtom_free(copp_libtom *k);
/* The backend's function table. */
COPP_API const copp_crypto *copp_libtom_crypto(void);
/* OS random generator via libtomcrypt's rng_get_bytes; user is ignored. */
COPP_API int copp_libtom_randombytes(void *user, uint8_t *buf, size_t len);
#endif /* COPP_WITH_LIBTOM */

/* >>openssl (optional fast crypto backend) ---------------------------------- */
#ifdef COPP_WITH_OPENSSL
#include <openssl/evp.h>
#include <openssl/bn.h>

/* State of the OpenSSL (libcrypto 3) backend: pass its address as
 * crypto_user; one per connector.  AES-128-CMAC is the CMAC mode (NIST
 * SP 800-38B) built on OpenSSL's AES-128-CBC: each session keys one
 * EVP_CIPHER_CTX at sequence start (the only allocation, freed by
 * mac_release at close) and every message reuses it; the AES itself is
 * OpenSSL's (AES-NI where the CPU has it).  The RSA private operation is
 * OpenSSL's raw RSA (RSA_NO_PADDING, blinded). */
typedef struct copp_openssl {
    EVP_PKEY *pkey;
    EVP_PKEY_CTX *dec;   /* keyed for raw decryption, reused */
    EVP_CIPHER *aes_cbc; /* AES-128-CBC, fetched once (an implicit fetch per key is slow) */
    BIGNUM *n;
    int (*randombytes)(void *user, uint8_t *buf, size_t len);
    void *rng_user;
    uint32_t flags;      /* COPP_OPENSSL_RSA_BIG_ENDIAN */
    uint32_t key_reason; /* COPP_KEY_*: why the last init refused the key; COPP_KEY_OK after success */
    uint8_t scratch[4096 + 16];   /* CBC output of one message, discarded */
} copp_openssl;

#define COPP_OPENSSL_RSA_BIG_ENDIAN 0x1u /* ciphertext arrives big-endian */

/* copp_openssl_init -- load and validate a 2048-bit key given as components
 * (all eight, big-endian, at most 512 bytes each).
 *   k    caller storage, zeroed or released by copp_openssl_free: every init
 *        (the _der / _pem / _mac ones too) overwrites k without freeing it,
 *        so an init over a loaded key leaks that key's EVP_PKEY.
 *   rng  the RNG hook (NULL: copp_openssl_randombytes, OpenSSL's RAND_bytes).
 * Validation: n is 2048 bits; e is odd, >= 3 and at most 4 bytes; OpenSSL's
 * key-pair check (EVP_PKEY_pairwise_check: p and q prime, n = p q, e d = 1
 * mod lcm(p - 1, q - 1), dp, dq and qinv consistent); and a test private
 * operation on a fixed value undoes the public one.
 * Returns COPP_S_OK, or the HRESULT of k->key_reason (COPP_KEY_*, see
 * >>keys): COPP_E_POINTER (NULL k or key); COPP_E_INVALIDARG (BAD_FLAGS,
 * MISSING_COMPONENT, NOT_2048_BITS, BAD_EXPONENT, INCONSISTENT);
 * COPP_E_OUTOFMEMORY; COPP_E_FAIL (LIBRARY_FAILED).  On failure k holds
 * nothing to free. */
COPP_API int32_t copp_openssl_init(copp_openssl *k, const copp_rsa_private_key *key,
                                   int (*rng)(void *user, uint8_t *buf, size_t len),
                                   void *rng_user, uint32_t flags);
/* copp_openssl_init_der / _pem -- the same from an encoding, decoded by
 * OpenSSL's decoders (OSSL_DECODER, key type RSA, key pair): PKCS #1
 * RSAPrivateKey or unencrypted PKCS #8 PrivateKeyInfo, as DER or as PEM
 * ('RSA PRIVATE KEY' / 'PRIVATE KEY'), 1 .. COPP_KEY_MAX_BYTES bytes (bytes
 * after the key are ignored, as OpenSSL does).  An encrypted key is refused without asking for a
 * passphrase (the decoder's passphrase callback declines).  Extra results
 * (k->key_reason): EMPTY, TOO_LONG, ENCRYPTED, NOT_PRIVATE_KEY, all
 * COPP_E_INVALIDARG; COPP_E_POINTER for NULL der / pem. */
COPP_API int32_t copp_openssl_init_der(copp_openssl *k, const uint8_t *der, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags);
COPP_API int32_t copp_openssl_init_pem(copp_openssl *k, const char *pem, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags);
/* copp_openssl_init_mac -- MAC only, no key: for the application side
 * (see copp_libtom_init_mac).  rsa_decrypt returns COPP_E_FAIL.  Returns
 * COPP_S_OK, COPP_E_POINTER, COPP_E_FAIL (LIBRARY_FAILED: the cipher fetch failed). */
COPP_API int32_t copp_openssl_init_mac(copp_openssl *k);
/* copp_openssl_public_key -- as copp_libtom_public_key. */
COPP_API int32_t copp_openssl_public_key(const copp_openssl *k, uint8_t n[256], uint8_t e[4], size_t *e_len);
/* Release everything the init acquired.  Safe on a zeroed object. */
COPP_API void copp_openssl_free(copp_openssl *k);
COPP_API const copp_crypto *copp_openssl_crypto(void);
/* RAND_bytes; user is ignored. */
COPP_API int copp_openssl_randombytes(void *user, uint8_t *buf, size_t len);
#endif /* COPP_WITH_OPENSSL */

/* >>bearssl (optional allocation-free, constant-time backend) --------------- */
#ifdef COPP_WITH_BEARSSL
#include <bearssl.h>

/* Backend flags.  Default 0: raw RSA, little-endian in and out (spec 10.3);
 * i62 RSA where BearSSL has it (64x64->128 multiply), AES-NI (x86ni) where the
 * CPU has it. */
#define COPP_BEARSSL_RSA_BIG_ENDIAN 0x1u /* ciphertext arrives big-endian */
#define COPP_BEARSSL_RSA_I31        0x2u /* RSA on br_rsa_i31_* even where i62 is there */
#define COPP_BEARSSL_AES_CT64       0x4u /* AES on br_aes_ct64 (portable, no SIMD) even with AES-NI */

/* State of the BearSSL backend: pass its address as crypto_user; one per
 * connector.  Nothing is allocated anywhere (BearSSL allocates nothing
 * either): the key lives in this object, each session's CMAC key schedule in
 * its copp_mac_ctx, the init scratch (decoders, re-encoding, test values) in
 * `work`, wiped when the init returns.  RSA: BearSSL's CRT private operation
 * (br_rsa_i62_private or br_rsa_i31_private: constant time, no blinding
 * needed).  AES-128-CMAC: the CMAC mode (NIST SP 800-38B; BearSSL has no
 * CMAC) over the CBC-MAC of a br_block_ctrcbc_class (br_aes_x86ni_ctrcbc or
 * br_aes_ct64_ctrcbc: constant time), keyed once per session.  Random bytes
 * come from the caller's RNG hook only (BearSSL's seeder is not used). */
typedef struct copp_bearssl {
    br_rsa_private_key sk;   /* points into key[] */
    br_rsa_public_key pk;    /* points into n[], e[] */
    br_rsa_private priv;     /* br_rsa_i62_private or br_rsa_i31_private */
    br_rsa_public pub;       /* the same engine's public op (key checks) */
    const br_block_ctrcbc_class *aes;   /* &br_aes_ct64_ctrcbc_vtable or the x86ni one */
    int (*randombytes)(void *user, uint8_t *buf, size_t len);   /* rGH (and rApp) */
    void *rng_user;
    uint32_t flags;      /* COPP_BEARSSL_RSA_BIG_ENDIAN and the engine choices asked for */
    uint32_t engines;    /* what runs: COPP_BEARSSL_RSA_I31 set when RSA is i31 (else i62),
                            COPP_BEARSSL_AES_CT64 set when AES is ct64 (else x86ni) */
    uint32_t key_reason; /* COPP_KEY_*: why the last init refused the key; COPP_KEY_OK after success */
    int keyed;           /* 1: holds a private key; 0: MAC only (copp_bearssl_init_mac) */
    uint8_t n[256], e[4];
    uint8_t key[5][256]; /* p, q, dp, dq, qinv, big-endian, no leading zeros */
    uint8_t x[256];      /* the ciphertext / plaintext of one private operation, wiped after it */
    struct {
        br_pem_decoder_context pem;
        uint8_t der[4096];            /* a PEM body's DER */
        size_t der_len;
        int der_overflow;
        uint8_t d[256];
        union {
            br_skey_decoder_context dec;
            struct { uint8_t canon[2048]; uint8_t t[3][256]; } chk;   /* re-encoding, test values */
        } u;
    } work;              /* init scratch, all zero outside an init */
} copp_bearssl;

/* copp_bearssl_init -- load and validate a 2048-bit key given as components.
 *   k       caller storage; overwritten.
 *   key     n, e, p, q, dp, dq, qinv big-endian (leading zero bytes allowed,
 *           at most 512 bytes each); d is optional (checked when given).
 *   rng     the RNG hook: required (there is no default: a driver passes its
 *           kernel's generator).
 *   flags   COPP_BEARSSL_* or 0.
 * Validation: n is 2048 bits; e is odd, >= 3 and at most 4 bytes; n = p q
 * (br_rsa_i31_compute_modulus); a test private operation (CRT, as sequence
 * start uses it) on a fixed value undoes the public one (br_rsa_public),
 * which fails for a wrong dp, dq or qinv; with d, m^d by the public op with
 * exponent d equals the CRT result.  p and q are not tested for primality
 * (the OpenSSL backend's check does).
 * Returns COPP_S_OK, or the HRESULT of k->key_reason (COPP_KEY_*, see
 * >>keys): COPP_E_POINTER (NULL k, key or rng; k->key_reason is then set
 * only when k is not NULL); COPP_E_INVALIDARG (BAD_FLAGS, MISSING_COMPONENT,
 * NOT_2048_BITS, BAD_EXPONENT, INCONSISTENT); COPP_E_FAIL (LIBRARY_FAILED:
 * the RSA engine is missing).  On failure k is all zero. */
COPP_API int32_t copp_bearssl_init(copp_bearssl *k, const copp_rsa_private_key *key,
                                   int (*rng)(void *user, uint8_t *buf, size_t len),
                                   void *rng_user, uint32_t flags);
/* copp_bearssl_init_der -- the same from a DER encoding: PKCS #1
 * RSAPrivateKey or unencrypted PKCS #8 PrivateKeyInfo, 1 ..
 * COPP_KEY_MAX_BYTES bytes (bytes after the key are ignored).
 * br_skey_decoder decodes it; it keeps p, q, dp, dq and qinv only (it skips
 * n, e and d), so: n = p q is recomputed by BearSSL, its DER INTEGER (the one
 * encoding of a 2048-bit value) is looked up in the input, and the two
 * INTEGER headers after it give e and d.  The input must then equal BearSSL's
 * own encoding of that key (br_encode_rsa_raw_der or br_encode_rsa_pkcs8_der)
 * byte for byte, so a misplaced look-up can only refuse a key, never accept
 * another one; then the checks of copp_bearssl_init (d included).  An
 * input BearSSL refuses whose first 32 bytes hold a PKCS #5 or PKCS #12
 * password-based-encryption OID is ENCRYPTED.  Extra results
 * (k->key_reason): EMPTY, TOO_LONG, ENCRYPTED, NOT_PRIVATE_KEY, all
 * COPP_E_INVALIDARG; COPP_E_POINTER for NULL der. */
COPP_API int32_t copp_bearssl_init_der(copp_bearssl *k, const uint8_t *der, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags);
/* copp_bearssl_init_pem -- the same from PEM text: the first PEM block (found
 * and base64-decoded by br_pem_decoder into k->work.der), which must be
 * 'RSA PRIVATE KEY' (PKCS #1) or 'PRIVATE KEY' (PKCS #8), then as
 * copp_bearssl_init_der.  Text before the block is ignored.  Extra results:
 * NOT_PEM (no BEGIN line, or no END line), BAD_BASE64 (BearSSL's decoder
 * stopped inside the body, or the body is empty), TOO_LONG (the body decodes
 * to more than 4096 bytes), ENCRYPTED ('ENCRYPTED PRIVATE KEY', or a
 * Proc-Type header), NOT_PRIVATE_KEY (another label, e.g. PUBLIC KEY). */
COPP_API int32_t copp_bearssl_init_pem(copp_bearssl *k, const char *pem, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags);
/* copp_bearssl_init_mac -- MAC only, no key: for the application side (see
 * copp_libtom_init_mac).  rsa_decrypt on such an object returns COPP_E_FAIL;
 * randombytes is rng.  flags: COPP_BEARSSL_AES_CT64 or 0.  Returns COPP_S_OK,
 * COPP_E_POINTER (NULL k or rng), COPP_E_INVALIDARG (BAD_FLAGS). */
COPP_API int32_t copp_bearssl_init_mac(copp_bearssl *k, int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags);
/* copp_bearssl_public_key -- as copp_libtom_public_key. */
COPP_API int32_t copp_bearssl_public_key(const copp_bearssl *k, uint8_t n[256], uint8_t e[4], size_t *e_len);
/* Wipe the object (it holds nothing else).  Safe on a zeroed object. */
COPP_API void copp_bearssl_free(copp_bearssl *k);
COPP_API const copp_crypto *copp_bearssl_crypto(void);
#endif /* COPP_WITH_BEARSSL */

/* >>app (optional application-side helpers) -------------------------------- */
#ifdef COPP_WITH_APP
/* These build and check what an application sends and receives
 * (spec 14), for tests, demos and benchmarks.  A driver does not need them. */

/* Build a 4096-byte DXVA_COPPCommand without its MAC (macKDI zero):
 * guid @16, seq @32, data_len @36, data @40, the rest zero.
 * Returns COPP_S_OK, COPP_E_POINTER, COPP_E_INVALIDARG (data_len > 4056). */
COPP_API int32_t copp_app_command(uint8_t cmd[4096], const uint8_t guid[16], uint32_t seq,
                                  const uint8_t *data, uint32_t data_len);
/* SetProtectionLevel command (16-byte payload: type, level, 0, 0), no MAC. */
COPP_API int32_t copp_app_set_protection_level(uint8_t cmd[4096], uint32_t seq,
                                               uint32_t prot_type, uint32_t level);
/* macKDI (bytes 0..15) = AES-CMAC over bytes 16..4095 with the keyed ctx. */
COPP_API int32_t copp_app_mac_command(uint8_t cmd[4096], const copp_crypto *crypto,
                                      void *crypto_user, const copp_mac_ctx *ctx);
/* Build a 4096-byte DXVA_COPPStatusInput: rApp, guid, seq, data_len, data.
 * Returns COPP_S_OK, COPP_E_POINTER, COPP_E_INVALIDARG (data_len > 4056). */
COPP_API int32_t copp_app_status_request(uint8_t in[4096], const uint8_t rapp[16],
                                         const uint8_t guid[16], uint32_t seq,
                                         const uint8_t *data, uint32_t data_len);
/* Check a DXVA_COPPStatusOutput: MAC over bytes 16..4095 (constant time),
 * rApp echoed at 20..35, cbSizeData <= 4076.  Returns COPP_S_OK or
 * COPP_E_UNEXPECTED; the MAC backend's HRESULT on its failure. */
COPP_API int32_t copp_app_verify_status(const uint8_t out[4096], const uint8_t rapp[16],
                                        const copp_crypto *crypto, void *crypto_user,
                                        const copp_mac_ctx *ctx);

/* Signature encodings real clients produce (spec 10.3). */
#define COPP_APP_SIG_RAW_LE             1u /* raw RSA of the zero-padded 256-byte block, LE */
#define COPP_APP_SIG_PKCS1V15_REVERSED  2u /* CryptEncrypt(PKCS #1 v1.5) of the byte-reversed 40 bytes, LE */

#if defined(COPP_WITH_LIBTOM)
/* Build a DXVA_COPPSignature for rGH | kDI | status_start | command_start under
 * the public key (n, e big-endian).  Returns COPP_S_OK, COPP_E_POINTER,
 * COPP_E_INVALIDARG (unknown encoding, modulus not 2048 bits), COPP_E_FAIL. */
COPP_API int32_t copp_app_sign_start_sequence(uint8_t sig[256], const uint8_t rgh[16],
                                              const uint8_t kdi[16], uint32_t status_start,
                                              uint32_t command_start, uint32_t encoding,
                                              copp_bytes n, copp_bytes e);
#endif

/* OPM (OPM.md 4, 7).  An OPM_CONFIGURE_PARAMETERS has DXVA_COPPCommand's
 * layout and MAC coverage: build it with copp_app_command /
 * copp_app_set_protection_level and sign it with copp_app_mac_command; an
 * OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS is copp_app_status_request's
 * layout; every OPM_REQUESTED_INFORMATION is checked by
 * copp_app_verify_status (rnRandomNumber = rApp). */
/* Build a 4112-byte OPM_GET_INFO_PARAMETERS without its OMAC (zero): rn @16,
 * guid @32, seq @48, data_len @52, data @56, the rest zero.
 * Returns COPP_S_OK, COPP_E_POINTER, COPP_E_INVALIDARG (data_len > 4056). */
COPP_API int32_t copp_app_opm_get_info_parameters(uint8_t in[4112], const uint8_t rn[16], const uint8_t guid[16],
                                                  uint32_t seq, const uint8_t *data, uint32_t data_len);
/* omac (bytes 0..15) = AES-CMAC over bytes 16..4111 (4096 bytes) with the keyed ctx. */
COPP_API int32_t copp_app_opm_mac_get_info_parameters(uint8_t in[4112], const copp_crypto *crypto,
                                                      void *crypto_user, const copp_mac_ctx *ctx);
#if defined(COPP_WITH_LIBTOM)
/* RSAES-OAEP-SHA-512 / MGF1-SHA-512 / empty label encryption of msg (0..126
 * bytes) under the public key (n, e big-endian), as CNG's BCryptEncrypt does
 * for OPM_ENCRYPTED_INITIALIZATION_PARAMETERS (7.2): out is the big-endian
 * ciphertext.  The seed comes from libtomcrypt's system RNG.  Returns
 * COPP_S_OK, COPP_E_POINTER, COPP_E_INVALIDARG (msg_len > 126, modulus not
 * 2048 bits), COPP_E_FAIL. */
COPP_API int32_t copp_app_opm_oaep_encrypt(uint8_t out[256], const uint8_t *msg, size_t msg_len,
                                           copp_bytes n, copp_bytes e);
#endif
#endif /* COPP_WITH_APP */

#ifdef __cplusplus
}
#endif
#endif /* COPP_H_INCLUDED */

/* ========================================================================== */
#ifdef COPP_IMPLEMENTATION
#ifndef COPP_IMPLEMENTATION_DONE
#define COPP_IMPLEMENTATION_DONE

/* >>impl-config ------------------------------------------------------------ */
#if defined(COPP_MEMCPY) != defined(COPP_MEMSET)
#error "define both COPP_MEMCPY and COPP_MEMSET, or neither"
#endif
#ifndef COPP_NO_STDLIB
#include <string.h>
#include <assert.h>
#include <errno.h>   /* copp_hresult_to_errno's numbers */
#ifndef COPP_MEMCPY
#define COPP_MEMCPY(d, s, n) memcpy((d), (s), (n))
#define COPP_MEMSET(d, v, n) memset((d), (v), (n))
#endif
#ifndef COPP_ASSERT
#define COPP_ASSERT(x) assert(x)
#endif
#else
#ifndef COPP_MEMCPY
#define COPP_MEMCPY(d, s, n) copp__copy((d), (s), (n))
#define COPP_MEMSET(d, v, n) copp__fill((d), (v), (n))
#define COPP__NEED_LOOPS 1
#endif
#ifndef COPP_ASSERT
#define COPP_ASSERT(x) ((void)0)
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* >>util ------------------------------------------------------------------- */
#ifdef COPP__NEED_LOOPS
static void copp__copy(void *d, const void *s, size_t n)
{
    uint8_t *dp = (uint8_t *)d;
    const uint8_t *sp = (const uint8_t *)s;
    while (n--) *dp++ = *sp++;
}
static void copp__fill(void *d, int v, size_t n)
{
    uint8_t *dp = (uint8_t *)d;
    while (n--) *dp++ = (uint8_t)v;
}
#endif

static uint32_t copp__ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void copp__st32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* 1 if equal, 0 if not; time depends on n only (spec 10.4, house style 3.11). */
static int copp__ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint32_t d = 0;
    size_t i;
    for (i = 0; i < n; i++) d |= (uint32_t)(a[i] ^ b[i]);
    return (int)(1u & ((d - 1u) >> 8));
}

/* Wipe secrets so the compiler cannot drop it: memset through a volatile
 * function pointer (picotls), or volatile stores without libc. */
#ifndef COPP_NO_STDLIB
static void *(*const volatile copp__memset_v)(void *, int, size_t) = memset;
static void copp__wipe(void *p, size_t n)
{
    copp__memset_v(p, 0, n);
}
#else
static void copp__wipe(void *p, size_t n)
{
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}
#endif

static int copp__guid_eq(const uint8_t *a, const uint8_t *b)
{
    size_t i;
    for (i = 0; i < COPP_GUID_BYTES; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static const uint8_t copp__guid_set_protection_level[16] = COPP_GUID_DXVA_COPPSetProtectionLevel;
static const uint8_t copp__guid_set_signaling[16]        = COPP_GUID_DXVA_COPPSetSignaling;

/* Payload fields (spec 5.5, 5.6), offsets from CommandData. */
#define COPP__SPL_PROTTYPE            0u  /* DXVA_COPPSetProtectionLevelCmdData.ProtType */
#define COPP__SPL_PROTLEVEL           4u  /* .ProtLevel; ExtendedInfo* at 8, 12 are ignored (A21) */
#define COPP__SIG_ACTIVESTANDARD      0u  /* DXVA_COPPSetSignalingCmdData.ActiveTVProtectionStandard */
#define COPP__SIG_ASPECTMASK1         4u  /* AspectRatioChangeMask i at 4 + 8 (i - 1), Data i at 8 + 8 (i - 1) */
#define COPP__SIG_ASPECTDATA1         8u
#define COPP__SIG_RESERVED            60u /* ExtendedInfo* at 28 .. 59 are not used (A21) */

#define COPP__MAGIC 0x50504F43u /* "COPP" */
#define COPP__MAGIC_INITIALIZING 0x494E4954u /* "TINI": fresh storage while its first init runs */

static int32_t copp__reason_hr(uint32_t reason)
{
    switch (reason) {
#define COPP__X(name, value, hr, win32, text) case value: return hr;
    COPP__REASONS(COPP__X)
#undef COPP__X
    default: return COPP_E_FAIL;
    }
}

/* Record the reason and return its HRESULT. */
static int32_t copp__fail(uint32_t *why, uint32_t reason)
{
    *why = reason;
    return copp__reason_hr(reason);
}

/* A callback's failure: keep its negative HRESULT, map anything else to E_FAIL. */
static int32_t copp__cb_fail(uint32_t *why, uint32_t reason, int32_t r)
{
    *why = reason;
    return r < 0 ? r : COPP_E_FAIL;
}

/* >>levels: protection types, validity, precedence (spec 9, 12.2) ----------- */

/* Index of a single supported type bit (COPP__T_*), or -1. */
static int copp__type_index(uint32_t prot_type)
{
    switch (prot_type) {
    case COPP_PROTECTION_TYPE_HDCP:  return COPP__T_HDCP;
    case COPP_PROTECTION_TYPE_ACP:   return COPP__T_ACP;
    case COPP_PROTECTION_TYPE_CGMSA: return COPP__T_CGMSA;
    default: return -1;
    }
}

static const uint32_t copp__type_bits[COPP__TYPES] = {
    COPP_PROTECTION_TYPE_HDCP, COPP_PROTECTION_TYPE_ACP, COPP_PROTECTION_TYPE_CGMSA, COPP_OPM_PROTECTION_TYPE_DPCP
};

/* Valid settable levels: HDCP 0..1, ACP 0..3, CGMS-A base 0..4 with or
 * without the redistribution-control flag 0x08 (A7). -1 is never valid (A19). */
static int copp__level_valid(int t, uint32_t level)
{
    if (t == COPP__T_HDCP) return level <= COPP_HDCP_LEVEL_1;
    if (t == COPP__T_ACP) return level <= COPP_ACP_LEVEL_3;
    return (level & ~COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED) <= COPP_CGMSA_COPY_NEVER;
}

/* Precedence orders, lowest to highest (OPM tables, spec 12.2, A6):
 * ACP 0 < 1 < 3 < 2; CGMS-A base 0 < 1 < 3 < 2 < 4; HDCP 0 < 1. */
static const uint8_t copp__order_hdcp[2]  = { 0, 1 };
static const uint8_t copp__order_acp[4]   = { 0, 1, 3, 2 };
static const uint8_t copp__order_cgmsa[5] = { 0, 1, 3, 2, 4 };

static const uint8_t *copp__order(int t, size_t *n)
{
    if (t == COPP__T_HDCP) { *n = sizeof copp__order_hdcp; return copp__order_hdcp; }
    if (t == COPP__T_ACP) { *n = sizeof copp__order_acp; return copp__order_acp; }
    *n = sizeof copp__order_cgmsa;
    return copp__order_cgmsa;
}

/* The level a connector must carry for type t, from the per-level counts:
 * the highest-precedence level any contributor holds; for CGMS-A that base,
 * with the redistribution-control flag if any contributor asked for it. */
static uint32_t copp__derive(const uint32_t counts[COPP__LEVELS], int t)
{
    size_t n, i;
    const uint8_t *order = copp__order(t, &n);
    uint32_t level = 0, rc = 0;
    for (i = 0; i < n; i++) {
        uint32_t held = counts[order[i]];
        if (t == COPP__T_CGMSA) {
            uint32_t with_rc = counts[order[i] | COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED];
            if (with_rc) rc = COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED;
            held += with_rc;
        }
        if (held) level = order[i];
    }
    return level | rc;
}

/* 1 if holding level `to` of type t demands more than holding `from`: a
 * higher place in the precedence order, or (CGMS-A) the redistribution-
 * control flag `from` lacks.  COPP_LEVEL_NOT_AVAILABLE (holding nothing)
 * demands what level 0 does. */
static int copp__raises(int t, uint32_t from, uint32_t to)
{
    const uint32_t rc = COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED;
    size_t n, i, rank_from = 0, rank_to = 0;
    const uint8_t *order = copp__order(t, &n);
    if (from == COPP_LEVEL_NOT_AVAILABLE) from = 0;
    if (to == COPP_LEVEL_NOT_AVAILABLE) to = 0;
    if (t == COPP__T_CGMSA) {
        if ((to & rc) && !(from & rc)) return 1;
        from &= ~rc;
        to &= ~rc;
    }
    for (i = 0; i < n; i++) {
        if (order[i] == from) rank_from = i;
        if (order[i] == to) rank_to = i;
    }
    return rank_to > rank_from;
}

/* >>recorder hooks: no-ops unless COPP_WITH_RECORDER (>>recorder-impl) ----- */
#ifdef COPP_WITH_RECORDER
#define COPP__REC(x) x
#define COPP__REC_IN           COPP_REC_KIND_INPUT
#define COPP__REC_OUT          COPP_REC_KIND_OUTPUT
#define COPP__REC_OUT_VALUE    COPP_REC_ITEM_VALUE
#define COPP__REC_OUT_WITHHELD COPP_REC_ITEM_WITHHELD
struct copp__call;
static void copp__rec_unwrap(const copp_connector *c, copp_connector_desc *d);
static void copp__rec_desc(struct copp__call *k, const copp_connector_desc *d);
static void copp__rec_install(copp_connector *c);
static void copp__rec_cb_types(copp_recorder *r, int32_t hr, uint32_t types);
static void copp__rec_cb_rng(copp_recorder *r, const uint8_t *buf, size_t len, int rv);
static void copp__rec_begin(struct copp__call *k, copp_recorder *r);
static void copp__rec_end(struct copp__call *k, int32_t hr);
static void copp__rec_args(struct copp__call *k, uint32_t nulls, uint32_t value);
static void copp__rec_wire(struct copp__call *k, uint32_t kind, const uint8_t *p, uint32_t n);
static void copp__rec_value(struct copp__call *k, uint32_t id, uint32_t v);
#else
#define COPP__REC(x) ((void)0)
#endif

/* >>fsm: the transition table, entry and exit of every call, the state writer */

#define COPP__NO_EDGE 0xFFu

/* Which call is legal in which state and where it leads (spec 2).  The only
 * legality check of every call on a session, open, close and the forced
 * drop included; tools/fsm_dot.c draws docs/state-machine.svg from these
 * rows alone.  A second session kind (OPM's protected output) adds its own
 * calls and states as more rows. */
static const struct copp__edge { uint8_t call, from, to; } copp__edges[] = {
    { COPP_CALL_OPEN,                   COPP_STATE_CLOSED,               COPP_STATE_OPENED },
    { COPP_CALL_GET_CERTIFICATE_LENGTH, COPP_STATE_OPENED,               COPP_STATE_CERT_LENGTH_RETURNED },
    { COPP_CALL_KEY_EXCHANGE,           COPP_STATE_CERT_LENGTH_RETURNED, COPP_STATE_KEY_EXCHANGED },
    { COPP_CALL_SEQUENCE_START,         COPP_STATE_KEY_EXCHANGED,        COPP_STATE_SESSION_ACTIVE },
    { COPP_CALL_COMMAND,                COPP_STATE_SESSION_ACTIVE,       COPP_STATE_SESSION_ACTIVE },
    { COPP_CALL_QUERY_STATUS,           COPP_STATE_SESSION_ACTIVE,       COPP_STATE_SESSION_ACTIVE },
    { COPP_CALL_CLOSE,                  COPP_STATE_OPENED,               COPP_STATE_CLOSED },
    { COPP_CALL_CLOSE,                  COPP_STATE_CERT_LENGTH_RETURNED, COPP_STATE_CLOSED },
    { COPP_CALL_CLOSE,                  COPP_STATE_KEY_EXCHANGED,        COPP_STATE_CLOSED },
    { COPP_CALL_CLOSE,                  COPP_STATE_SESSION_ACTIVE,       COPP_STATE_CLOSED },
    { COPP_CALL_DROP_SESSION,           COPP_STATE_OPENED,               COPP_STATE_CLOSED },
    { COPP_CALL_DROP_SESSION,           COPP_STATE_CERT_LENGTH_RETURNED, COPP_STATE_CLOSED },
    { COPP_CALL_DROP_SESSION,           COPP_STATE_KEY_EXCHANGED,        COPP_STATE_CLOSED },
    { COPP_CALL_DROP_SESSION,           COPP_STATE_SESSION_ACTIVE,       COPP_STATE_CLOSED },
};

/* The state `call` leads to from `from`, or COPP__NO_EDGE. */
static uint32_t copp__edge_to(uint32_t call, uint32_t from)
{
    size_t i;
    for (i = 0; i < sizeof copp__edges / sizeof copp__edges[0]; i++)
        if (copp__edges[i].call == call && copp__edges[i].from == from) return copp__edges[i].to;
    return COPP__NO_EDGE;
}

/* One public call in progress: what its entry found, what its exit reports. */
typedef struct copp__call {
    copp_connector *c;  /* the connector the call runs on, marked busy; NULL: none (no trace) */
    copp_session *s;    /* the session it reads and writes; NULL for connector-wide calls */
    const copp_session *who; /* the session the trace names (a drop's: never dereferenced) */
    uint32_t id;        /* COPP_CALL_* */
    uint32_t before;    /* s->state at entry (as the trace reports it) */
    uint32_t from, to;  /* the edge taken: the bound state and where it leads */
    uint32_t slot;      /* s's slot in c->sessions when bound */
    uint32_t why;       /* COPP_REASON_* */
    uint32_t flags;     /* COPP_STATUS_* to latch to every session at exit */
#ifdef COPP_WITH_RECORDER
    copp_recorder *rec; /* the recorder whose record this call writes; NULL: none */
#endif
} copp__call;

static void copp__begin(copp__call *k, uint32_t id, copp_session *s)
{
    k->c = NULL;
    k->s = s;
    k->who = s;
    k->id = id;
    k->before = k->from = k->to = COPP_STATE_CLOSED;
    k->slot = 0;
    k->why = COPP_REASON_NONE;
    k->flags = 0;
    COPP__REC(k->rec = NULL);
}

/* The call runs on c: c is busy until copp__leave, so that a callback or
 * the trace hook that calls back into copp changes nothing (CONVENTIONS). */
static void copp__take(copp__call *k, copp_connector *c)
{
    k->c = c;
    c->busy = 1u;
}

/* The slot of s in c, or c->nsessions if c does not list it. */
static uint32_t copp__slot_of(const copp_connector *c, const copp_session *s)
{
    uint32_t i;
    for (i = 0; i < c->nsessions && i < COPP_MAX_SESSIONS; i++)
        if (c->sessions[i].session == s) return i;
    return c->nsessions;
}

/* 1 if c is an initialized connector that lists the storage s. */
static int copp__lists(const copp_connector *c, const copp_session *s)
{
    return c != NULL && c->initialized == COPP__MAGIC && copp__slot_of(c, s) < c->nsessions;
}

/* 1 if s is bound: its connector is initialized and lists this very storage,
 * this opening of it (epoch), in the state s claims; *slot is its slot. */
static int copp__bound(const copp_session *s, uint32_t *slot)
{
    const copp_connector *c = s->conn;
    uint32_t i;
    if (c == NULL || c->initialized != COPP__MAGIC) return 0;
    i = copp__slot_of(c, s);
    if (i >= c->nsessions || c->sessions[i].state != s->state || c->sessions[i].epoch != s->epoch) return 0;
    *slot = i;
    return 1;
}

/* The connector's record of s when s is bound, else NULL. */
static copp__slot *copp__record(const copp_session *s)
{
    uint32_t i;
    return (s != NULL && copp__bound(s, &i)) ? &s->conn->sessions[i] : NULL;
}

/* The record of the session a call is on (bound, k->slot). */
static copp__slot *copp__mine(const copp__call *k)
{
    return &k->c->sessions[k->slot];
}

/* Entry of every call on a session.  c: the connector the call binds to
 * (copp_open's argument; the session's own connector for every other call).
 * In order: s NULL (E_POINTER, nothing written); c busy (BUSY: re-entered
 * from a callback or the trace hook; not traced); binding: s must be bound
 * to c in the state it claims, or claim nothing (closed, no connector)
 * while neither c nor the connector its conn names lists it -- a stale,
 * byte-copied or re-initialised session fails here (NOT_BOUND); the edge of
 * (call, bound state) (BAD_STATE); an edge from CLOSED needs an initialized
 * connector; the call's other pointers (args_ok).  Returns S_OK or the
 * refusal's HRESULT. */
static int32_t copp__enter(copp__call *k, copp_session *s, copp_connector *c, uint32_t id, int args_ok)
{
    copp__begin(k, id, s);
    if (s == NULL) return COPP_E_POINTER;
    k->before = s->state;
    if (c != NULL && c->initialized == COPP__MAGIC) {
        if (c->busy) return copp__fail(&k->why, COPP_REASON_BUSY);
        copp__take(k, c);
        COPP__REC(copp__rec_begin(k, c->desc.recorder));
    } else if (c != NULL && c->initialized == COPP__MAGIC_INITIALIZING) {
        return copp__fail(&k->why, COPP_REASON_BUSY);   /* from a callback of its first init */
    }
    if (s->conn == c && k->c != NULL && copp__bound(s, &k->slot))
        k->from = s->state;
    else if ((s->conn != NULL && s->state != COPP_STATE_CLOSED) || copp__lists(c, s) || copp__lists(s->conn, s))
        return copp__fail(&k->why, COPP_REASON_NOT_BOUND);
    k->to = copp__edge_to(id, k->from);
    if (k->to == COPP__NO_EDGE) return copp__fail(&k->why, COPP_REASON_BAD_STATE);
    if (k->from == COPP_STATE_CLOSED && k->c == NULL)
        return copp__fail(&k->why, c == NULL ? COPP_REASON_NULL_POINTER : COPP_REASON_BAD_STATE);
    if (!args_ok) return copp__fail(&k->why, COPP_REASON_NULL_POINTER);
    return COPP_S_OK;
}

static int32_t copp__enter_session(copp__call *k, copp_session *s, uint32_t id, int args_ok)
{
    return copp__enter(k, s, s != NULL ? s->conn : NULL, id, args_ok);
}

/* Entry of every connector-wide call: NULL (E_POINTER), not initialized
 * (BAD_STATE), busy or under its first init (BUSY, not traced). */
static int32_t copp__enter_connector(copp__call *k, copp_connector *c, uint32_t id)
{
    copp__begin(k, id, NULL);
    if (c == NULL) return COPP_E_POINTER;
    if (c->initialized != COPP__MAGIC)   /* under its first init: called from one of its callbacks */
        return copp__fail(&k->why, c->initialized == COPP__MAGIC_INITIALIZING ? COPP_REASON_BUSY : COPP_REASON_BAD_STATE);
    if (c->busy) return copp__fail(&k->why, COPP_REASON_BUSY);
    copp__take(k, c);
    COPP__REC(copp__rec_begin(k, c->desc.recorder));
    return COPP_S_OK;
}

/* Exit of every call: the session's diagnostic reason; the events the call
 * raised, latched to every session the connector lists (the only place
 * that raises them: never in the middle of an update); the one trace
 * record; then the connector is free again.  Returns hr. */
static int32_t copp__leave(copp__call *k, int32_t hr)
{
    copp_connector *c = k->c;
    uint32_t i;
    if (k->s != NULL) k->s->last_reason = k->why;
    if (c == NULL) return hr;
    for (i = 0; k->flags != 0 && i < c->nsessions; i++) c->sessions[i].pending_flags |= k->flags;
    COPP__REC(copp__rec_end(k, hr));   /* the call's record, complete */
    if (c->desc.trace != NULL) {
        copp_trace t;
        t.call = k->id;
        t.session = k->who;
        t.result = hr;
        t.reason = k->why;
        t.state_before = k->before;
        t.state_after = k->s != NULL ? k->s->state : COPP_STATE_CLOSED;
        t.flags = k->flags;
        c->desc.trace(c->desc.trace_user, &t);
    }
    c->busy = 0;
    return hr;
}

/* The only writer of session state: s->state and the connector's record of
 * it (the slot) move together to the state the call's edge leads to.
 * Leaving CLOSED binds the zeroed storage to the connector in a new slot
 * (a fresh epoch); entering CLOSED removes the slot and wipes the whole
 * session (key, rGH) -- unless the call has no session storage to touch
 * (k->s NULL: a drop).  The caller has checked there is a free slot. */
static void copp__advance(copp__call *k)
{
    copp_connector *c = k->c;
    copp_session *s = k->s;
    uint32_t last;
    if (k->from == COPP_STATE_CLOSED) {
        k->slot = c->nsessions++;
        COPP_MEMSET(s, 0, sizeof *s);
        s->conn = c;
        s->epoch = ++c->epoch;   /* 64 bits: does not come round again */
        c->sessions[k->slot].session = s;
        c->sessions[k->slot].epoch = s->epoch;
    }
    if (k->to == COPP_STATE_CLOSED) {
        last = --c->nsessions;
        if (k->slot != last) COPP_MEMCPY(&c->sessions[k->slot], &c->sessions[last], sizeof c->sessions[last]);
        COPP_MEMSET(&c->sessions[last], 0, sizeof c->sessions[last]);
        if (s != NULL) copp__wipe(s, sizeof *s);
    } else {
        c->sessions[k->slot].state = k->to;
    }
    if (s != NULL) s->state = k->to;
}

/* >>protect: the only writer of counts[] and applied[] (spec 12) ----------- */

/* Contributors to a connector's levels -- COPP sessions (their slots'
 * level[]), video-port keys (vp_keys[].level), and later OPM's protected
 * outputs -- each hold one level per type, or COPP__NOWHERE.  Every change
 * goes through copp__move (one contributor, one type) or the loops over it
 * below, so counts[t][l] is always the number of contributors holding level
 * l of type t; applied[t] is what the hardware was last told (or read). */
#define COPP__NOWHERE COPP_LEVEL_NOT_AVAILABLE
#define COPP__JOIN    0 /* counts only, nothing written: entering at level 0 (which raises
                             nothing), or an undo that restores the hardware itself */
#define COPP__APPLY   1 /* then make the hardware carry the derived level */

/* The only statement that changes counts[]: one contributor more or fewer
 * at (t, level).  Fewer at a zero count cannot happen (every leave is from
 * a level the connector itself recorded); it is asserted and clamped. */
static void copp__count(copp_connector *c, int t, uint32_t level, int more)
{
    uint32_t *n = &c->counts[t][level];
    COPP_ASSERT(more || *n > 0);
    *n = more ? *n + 1u : (*n > 0 ? *n - 1u : 0u);
}

/* The apply step, shared by every move and by resync: make type t carry
 * the derived level eff.  actual: what get_protection just read, NULL when
 * unknown.  Nothing is written when the hardware is known to carry eff;
 * otherwise check_protection is asked about eff itself -- the level that
 * will be written, never a request's own level -- when eff is not 0, and
 * set_protection writes it.  The only statement that changes applied[]: eff
 * on success, else what the hardware is known to carry (actual, or the
 * level it was last told).  On failure *why is MODE_TOO_BIG (the mode
 * cannot carry eff) or HW_FAILED. */
static int32_t copp__apply(copp_connector *c, int t, uint32_t eff, const uint32_t *actual, uint32_t *why)
{
    const copp_hw_ops *hw = c->desc.hw;
    uint32_t carried = eff;
    int32_t r = COPP_S_OK;
    if (actual == NULL || *actual != eff) {
        if (eff != 0 && hw->check_protection != NULL)
            r = hw->check_protection(c->desc.hw_user, copp__type_bits[t], eff);
        if (r == COPP_S_OK) {
            r = hw->set_protection(c->desc.hw_user, copp__type_bits[t], eff);
            if (r != COPP_S_OK) *why = COPP_REASON_HW_FAILED;
        } else {
            *why = r == COPP_DDERR_TOOBIGSIZE ? COPP_REASON_MODE_TOO_BIG : COPP_REASON_HW_FAILED;
        }
        if (r != COPP_S_OK) carried = actual != NULL ? *actual : c->applied[t];
    }
    c->applied[t] = carried;
    return r == COPP_S_OK ? COPP_S_OK : (r < 0 ? r : COPP_E_FAIL);
}

/* Move one contributor of type t from *held to `to` (COPP__NOWHERE:
 * entering or leaving), then (COPP__APPLY) apply the derived level if it is
 * not what the hardware carries.  A move that raises the derived level is
 * a request the hardware may refuse: if the apply fails it is undone whole
 * and its failure returned.  Every other move (a release, a lowering, a
 * request that keeps the derived level) stands even then: the hardware
 * keeps what it carries (fail closed), applied[] keeps saying so, the call
 * latches LinkLost to every session (at its exit, copp__leave) and k->why
 * says why; it returns S_OK.  *held follows whenever the move stands. */
static int32_t copp__move(copp__call *k, int t, uint32_t *held, uint32_t to, int mode)
{
    copp_connector *c = k->c;
    uint32_t from = *held, was = copp__derive(c->counts[t], t), eff;
    int32_t r = COPP_S_OK;
    if (from != COPP__NOWHERE) copp__count(c, t, from, 0);
    if (to != COPP__NOWHERE) copp__count(c, t, to, 1);
    eff = copp__derive(c->counts[t], t);
    if (mode == COPP__APPLY && eff != c->applied[t]) r = copp__apply(c, t, eff, NULL, &k->why);
    if (r != COPP_S_OK && copp__raises(t, was, eff)) {
        if (to != COPP__NOWHERE) copp__count(c, t, to, 0);
        if (from != COPP__NOWHERE) copp__count(c, t, from, 1);
        return r;
    }
    if (r != COPP_S_OK) k->flags |= COPP_STATUS_LINK_LOST;
    *held = to;
    return COPP_S_OK;
}

/* Undo a raise that stood, when a later step of the same call failed (a
 * video-port key's, when vp_set fails): the contributor back at prev, and
 * the hardware back at `before`, what it carried when the call began --
 * not the derived level, which differs from it when an earlier lowering
 * was refused (fail closed).  If that write fails the hardware keeps the
 * raised level: fail closed, LinkLost to every session. */
static void copp__move_back(copp__call *k, int t, uint32_t *held, uint32_t prev, uint32_t before)
{
    copp_connector *c = k->c;
    (void)copp__move(k, t, held, prev, COPP__JOIN);
    if (c->applied[t] != before && copp__apply(c, t, before, NULL, &k->why) != COPP_S_OK)
        k->flags |= COPP_STATUS_LINK_LOST;
}

/* A session's slot joins: level 0 of every supported type (spec 12.1),
 * COPP_LEVEL_NOT_AVAILABLE of the others. */
static void copp__protect_join(copp__call *k, uint32_t held[COPP__TYPES])
{
    int t;
    for (t = 0; t < (int)COPP__TYPES; t++) {
        held[t] = COPP__NOWHERE;
        if (k->c->protection_types & copp__type_bits[t])
            (void)copp__move(k, t, &held[t], COPP_LEVEL_DEFAULT, COPP__JOIN);
    }
}

/* A session's slot leaves: every type it holds is released (spec 12.3),
 * fail closed when a lowering fails (copp__move). */
static void copp__protect_leave(copp__call *k, uint32_t held[COPP__TYPES])
{
    int t;
    for (t = 0; t < (int)COPP__TYPES; t++)
        if (held[t] != COPP__NOWHERE) (void)copp__move(k, t, &held[t], COPP__NOWHERE, COPP__APPLY);
}

/* Resync of one type (after hot-plug, mode change, resume): read the
 * hardware when it can be read, and apply the derived level where it
 * differs.  S_OK iff type t now carries its derived level. */
static int32_t copp__protect_resync(copp_connector *c, int t, uint32_t *why)
{
    const copp_hw_ops *hw = c->desc.hw;
    uint32_t actual = 0;
    int known = hw->get_protection != NULL &&
                hw->get_protection(c->desc.hw_user, copp__type_bits[t], &actual) == COPP_S_OK;
    return copp__apply(c, t, copp__derive(c->counts[t], t), known ? &actual : NULL, why);
}

/* >>public ----------------------------------------------------------------- */

/* Storage that holds an initialized connector in use: open sessions or
 * live video-port keys, or a level the hardware was left carrying (counts
 * and levels in range); anything else is garbage or empty. */
static int copp__in_use(const copp_connector *c)
{
    int t, stuck = 0;
    if (c->initialized != COPP__MAGIC) return 0;
    for (t = 0; t < (int)COPP__TYPES; t++) stuck |= (c->applied[t] - 1u) < (uint32_t)COPP_CGMSA_LEVEL_MAX;
    return (c->nsessions - 1u) < (uint32_t)COPP_MAX_SESSIONS || (c->nvp_keys - 1u) < (uint32_t)COPP_MAX_VP_KEYS || stuck;
}

COPP_API int32_t copp_connector_init(copp_connector *c, const copp_connector_desc *desc)
{
    copp__call k;
    copp_connector_desc d;   /* desc may point into c (a re-init from c->desc) */
    uint8_t seed[8];
    uint32_t types = 0, was = 0;
    uint64_t epoch = 0;
    int again, i;
    int32_t r;
    copp__begin(&k, COPP_CALL_CONNECTOR_INIT, NULL);
    if (c == NULL || desc == NULL) return COPP_E_POINTER;
    if (desc->certificate == NULL && desc->certificate_len != 0) return COPP_E_POINTER;
    COPP_MEMCPY(&d, desc, sizeof d);   /* no struct assignment: freestanding builds call nothing */
    COPP__REC(copp__rec_unwrap(c, &d));   /* a re-init from c->desc: the caller's ops, not the shims */
    if (d.hw == NULL || d.hw->get_protection_types == NULL || d.hw->set_protection == NULL ||
        d.crypto == NULL || d.crypto->randombytes == NULL || d.crypto->rsa_decrypt == NULL ||
        d.crypto->mac_init == NULL || d.crypto->mac == NULL)
        return copp__reason_hr(COPP_REASON_BAD_CONFIG);
    again = c->initialized == COPP__MAGIC;
    if (again ? c->busy == 1u : c->initialized == COPP__MAGIC_INITIALIZING)   /* from its own callback */
        return copp__reason_hr(COPP_REASON_BUSY);                            /* not traced */
    COPP__REC(copp__rec_begin(&k, d.recorder));
    COPP__REC(copp__rec_desc(&k, &d));
    if (copp__in_use(c)) {   /* its sessions, keys or levels would be orphaned: close (or resync) first */
        copp__take(&k, c);
        return copp__leave(&k, copp__fail(&k.why, COPP_REASON_CONNECTOR_IN_USE));
    }
    /* A callback that calls into c changes nothing: an initialized c is
     * busy (and a failure is traced); fresh storage is marked as under its
     * first init (a nested init is refused as busy, every other call finds
     * it not initialized) and gets its old word back on failure. */
    if (again) copp__take(&k, c);
    else {
        was = c->initialized;
        c->initialized = COPP__MAGIC_INITIALIZING;
    }
    r = d.hw->get_protection_types(d.hw_user, &types);
    COPP__REC(copp__rec_cb_types(k.rec, r, types));
    if (r != COPP_S_OK) r = copp__cb_fail(&k.why, COPP_REASON_HW_FAILED, r);
    else if (types & ~(COPP_PROTECTION_TYPE_HDCP | COPP_PROTECTION_TYPE_ACP | COPP_PROTECTION_TYPE_CGMSA))
        r = copp__fail(&k.why, COPP_REASON_BAD_CONFIG);
    else if (again) epoch = c->epoch;   /* openings stay distinct across inits */
    else {   /* fresh storage: a random start, so that openings of its earlier life stay distinct */
        int rv = d.crypto->randombytes(d.crypto_user, seed, sizeof seed);
        COPP__REC(copp__rec_cb_rng(k.rec, seed, sizeof seed, rv));
        if (rv != 0) r = copp__fail(&k.why, COPP_REASON_CRYPTO_FAILED);
        else for (i = 0; i < (int)sizeof seed; i++) epoch = (epoch << 8) | seed[i];
    }
    copp__wipe(seed, sizeof seed);
    if (r != COPP_S_OK) {
        if (!again) c->initialized = was;   /* untouched */
        COPP__REC(copp__rec_end(&k, r));    /* (fresh storage: leave has no connector to end it) */
        return copp__leave(&k, r);          /* traced when c was initialized */
    }
    COPP_MEMSET(c, 0, sizeof *c);   /* every count and applied level 0 */
    COPP_MEMCPY(&c->desc, &d, sizeof d);
    c->epoch = epoch;
    c->protection_types = types;
    c->initialized = COPP__MAGIC;
    COPP__REC(copp__rec_install(c));   /* desc.hw / desc.crypto through the recording shims */
    copp__take(&k, c);
    return copp__leave(&k, COPP_S_OK);
}

COPP_API int32_t copp_open(copp_connector *c, copp_session *s)
{
    copp__call k;
    copp__slot *r;
    int32_t hr = copp__enter(&k, s, c, COPP_CALL_OPEN, 1);
    if (hr == COPP_S_OK && c->nsessions >= COPP_MAX_SESSIONS) hr = copp__fail(&k.why, COPP_REASON_NO_SLOT);
    if (hr == COPP_S_OK) {
        copp__advance(&k);   /* zeroed, bound to c, listed as OPENED */
        r = copp__mine(&k);
        copp__protect_join(&k, r->level);
        r->status_seq = 0xFFFFFFFFu;   /* placeholders until sequence start (spec 4.1) */
        r->command_seq = 0xFFFFFFFFu;
    }
    return copp__leave(&k, hr);
}

COPP_API int32_t copp_get_certificate_length(copp_session *s, uint32_t *len)
{
    copp__call k;
    int32_t hr = copp__enter_session(&k, s, COPP_CALL_GET_CERTIFICATE_LENGTH, len != NULL);
    COPP__REC(copp__rec_args(&k, len == NULL, 0));
    if (hr == COPP_S_OK) {
        *len = k.c->desc.certificate_len;
        COPP__REC(copp__rec_value(&k, COPP__REC_OUT_VALUE, *len));
        copp__advance(&k);
    }
    return copp__leave(&k, hr);
}

COPP_API int32_t copp_key_exchange(copp_session *s, uint8_t rgh[16], uint8_t *cert, uint32_t cert_cap)
{
    copp__call k;
    uint8_t fresh[COPP_RANDOM_BYTES];
    const copp_connector_desc *d;
    int32_t hr = copp__enter_session(&k, s, COPP_CALL_KEY_EXCHANGE, rgh != NULL);
    COPP__REC(copp__rec_args(&k, (rgh == NULL) | (uint32_t)(cert == NULL) << 1, cert_cap));
    if (hr != COPP_S_OK) return copp__leave(&k, hr);
    d = &k.c->desc;
    if (cert == NULL && d->certificate_len != 0) hr = copp__fail(&k.why, COPP_REASON_NULL_POINTER);
    else if (cert_cap < d->certificate_len) hr = copp__fail(&k.why, COPP_REASON_BUFFER_TOO_SMALL);
    else if (d->crypto->randombytes(d->crypto_user, fresh, sizeof fresh) != 0)
        hr = copp__fail(&k.why, COPP_REASON_CRYPTO_FAILED);
    else {
        if (d->certificate_len) COPP_MEMCPY(cert, d->certificate, d->certificate_len);
        COPP_MEMCPY(s->rgh, fresh, sizeof fresh);
        COPP_MEMCPY(rgh, fresh, sizeof fresh);
        COPP__REC(copp__rec_value(&k, COPP__REC_OUT_WITHHELD, COPP_RANDOM_BYTES));   /* rGH: its length */
        copp__advance(&k);
    }
    copp__wipe(fresh, sizeof fresh);
    return copp__leave(&k, hr);
}

/* Decrypt and parse the start sequence into s (spec 5.11, 10.3, A2, A11);
 * plain is the caller's buffer, wiped by the caller. */
static int32_t copp__start(copp__call *k, const uint8_t *sig, uint8_t plain[COPP_SIGNATURE_BYTES])
{
    const copp_crypto *cr = k->c->desc.crypto;
    void *user = k->c->desc.crypto_user;
    copp_session *s = k->s;
    size_t plain_len = 0;
    int32_t r = cr->rsa_decrypt(user, sig, plain, &plain_len);
    if (r == COPP_E_UNEXPECTED) return copp__fail(&k->why, COPP_REASON_BAD_CIPHERTEXT);
    if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_CRYPTO_FAILED, r);
    if (plain_len < COPP_START_SEQUENCE_BYTES || plain_len > COPP_SIGNATURE_BYTES)
        return copp__fail(&k->why, COPP_REASON_SHORT_PLAINTEXT);
    /* rGH | kDI | status start | command start; bytes 40.. ignored. */
    if (!copp__ct_equal(plain, s->rgh, COPP_RANDOM_BYTES)) return copp__fail(&k->why, COPP_REASON_RANDOM_MISMATCH);
    r = cr->mac_init(user, &s->mac, plain + 16);
    if (r != COPP_S_OK) {
        if (cr->mac_release) cr->mac_release(user, &s->mac);
        copp__wipe(&s->mac, sizeof s->mac);   /* back to the all-zero state it had */
        return copp__cb_fail(&k->why, COPP_REASON_CRYPTO_FAILED, r);
    }
    copp__mine(k)->status_seq = copp__ld32(plain + 32);
    copp__mine(k)->command_seq = copp__ld32(plain + 36);
    copp__wipe(s->rgh, sizeof s->rgh);   /* single use; no longer needed */
    copp__advance(k);
    return COPP_S_OK;
}

COPP_API int32_t copp_sequence_start(copp_session *s, const uint8_t sig[256])
{
    copp__call k;
    uint8_t plain[COPP_SIGNATURE_BYTES];
    int32_t hr = copp__enter_session(&k, s, COPP_CALL_SEQUENCE_START, sig != NULL);
    COPP__REC(copp__rec_args(&k, sig == NULL, 0));
    COPP__REC(copp__rec_wire(&k, COPP__REC_IN, sig, COPP_SIGNATURE_BYTES));   /* the ciphertext: on the wire */
    if (hr == COPP_S_OK) hr = copp__start(&k, sig, plain);
    copp__wipe(plain, sizeof plain);
    return copp__leave(&k, hr);
}

/* Validate and apply DXVA_COPPSetProtectionLevelCmdData (spec 7.1). */
static int32_t copp__set_protection_level(copp__call *k, const uint8_t *data)
{
    uint32_t type = copp__ld32(data + COPP__SPL_PROTTYPE), level = copp__ld32(data + COPP__SPL_PROTLEVEL);
    int t = copp__type_index(type);
    if (t < 0 || !(k->c->protection_types & type)) return copp__fail(&k->why, COPP_REASON_BAD_PROTECTION_TYPE);
    if (!copp__level_valid(t, level)) return copp__fail(&k->why, COPP_REASON_BAD_LEVEL);
    /* through >>protect even when the level is the same: the derived level is
     * re-applied if the hardware does not carry it; refused only if the
     * request raises it (otherwise fail closed, LinkLost) */
    return copp__move(k, t, &copp__mine(k)->level[t], level, COPP__APPLY);
}

/* Validate and apply DXVA_COPPSetSignalingCmdData (spec 7.2, A12): connector
 * state, last writer wins, masked update of each aspect-ratio field. */
static int32_t copp__set_signaling(copp__call *k, const uint8_t *data)
{
    copp_connector *c = k->c;
    copp_signaling next = c->signaling;
    uint32_t available = 0, standard = copp__ld32(data + COPP__SIG_ACTIVESTANDARD), i;
    int changed;
    int32_t r;
    if (c->desc.hw->get_tv_standards) {
        r = c->desc.hw->get_tv_standards(c->desc.hw_user, &available);
        if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
    }
    if ((standard & COPP_PROTECTION_STANDARD_RESERVED) || (standard & ~available))
        return copp__fail(&k->why, COPP_REASON_BAD_SIGNALING);
    if (copp__ld32(data + COPP__SIG_ASPECTMASK1) & ~COPP_ASPECT_RATIO_EN300294_MASK)
        return copp__fail(&k->why, COPP_REASON_BAD_SIGNALING);
    for (i = 0; i < 3; i++) {
        uint32_t mask = copp__ld32(data + COPP__SIG_ASPECTMASK1 + 8 * i);
        uint32_t val = copp__ld32(data + COPP__SIG_ASPECTDATA1 + 8 * i);
        if (val & ~mask) return copp__fail(&k->why, COPP_REASON_BAD_SIGNALING);
        next.AspectRatioData[i] = (next.AspectRatioData[i] & ~mask) | val;
        next.AspectRatioValidMask[i] |= mask;
    }
    if (copp__ld32(data + COPP__SIG_RESERVED) != 0) return copp__fail(&k->why, COPP_REASON_BAD_SIGNALING);
    next.ActiveTVProtectionStandard = standard;
    changed = next.ActiveTVProtectionStandard != c->signaling.ActiveTVProtectionStandard;
    for (i = 0; i < 3; i++)
        changed |= next.AspectRatioData[i] != c->signaling.AspectRatioData[i] ||
                   next.AspectRatioValidMask[i] != c->signaling.AspectRatioValidMask[i];
    if (changed && c->desc.hw->set_signaling) {
        r = c->desc.hw->set_signaling(c->desc.hw_user, &next);
        if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
    }
    c->signaling = next;
    return COPP_S_OK;
}

/* A command's checks in the spec's order (4.5, A27) -- sequence, GUID and
 * size look only at the fixed header; the payload is read only after the
 * MAC passed -- then its effect.  tag: the caller's buffer, wiped by it. */
static int32_t copp__command(copp__call *k, const uint8_t *cmd, uint8_t tag[COPP_MAC_BYTES])
{
    const copp_crypto *cr = k->c->desc.crypto;
    const uint8_t *guid = cmd + COPP_CMD_OFF_GUIDCOMMANDID;
    uint32_t size = copp__ld32(cmd + COPP_CMD_OFF_CBSIZEDATA);
    int is_level = copp__guid_eq(guid, copp__guid_set_protection_level);
    uint32_t need = is_level ? COPP_SET_PROTECTION_LEVEL_BYTES : COPP_SET_SIGNALING_BYTES;
    int32_t r;
    if (copp__ld32(cmd + COPP_CMD_OFF_DWSEQUENCE) != copp__mine(k)->command_seq)
        return copp__fail(&k->why, COPP_REASON_BAD_SEQUENCE);
    if (!is_level && !copp__guid_eq(guid, copp__guid_set_signaling))
        return copp__fail(&k->why, COPP_REASON_UNKNOWN_GUID);
    if (size < need || size > COPP_DATA_BYTES) return copp__fail(&k->why, COPP_REASON_BAD_SIZE);
    r = cr->mac(k->c->desc.crypto_user, &k->s->mac, cmd + COPP_MACED_OFFSET, COPP_MACED_BYTES, 0, tag);
    if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_CRYPTO_FAILED, r);
    if (!copp__ct_equal(tag, cmd + COPP_CMD_OFF_MACKDI, COPP_MAC_BYTES)) return copp__fail(&k->why, COPP_REASON_BAD_MAC);
    r = is_level ? copp__set_protection_level(k, cmd + COPP_CMD_OFF_COMMANDDATA)
                 : copp__set_signaling(k, cmd + COPP_CMD_OFF_COMMANDDATA);
    if (r == COPP_S_OK) copp__mine(k)->command_seq++;   /* wraps mod 2^32 (A4) */
    return r;
}

COPP_API int32_t copp_command(copp_session *s, const uint8_t cmd[4096])
{
    copp__call k;
    uint8_t tag[COPP_MAC_BYTES];   /* the valid macKDI for these bytes: wiped on every path */
    int32_t hr = copp__enter_session(&k, s, COPP_CALL_COMMAND, cmd != NULL);
    COPP__REC(copp__rec_args(&k, cmd == NULL, 0));
    COPP__REC(copp__rec_wire(&k, COPP__REC_IN, cmd, COPP_COMMAND_BYTES));
    if (hr == COPP_S_OK) hr = copp__command(&k, cmd, tag);
    copp__wipe(tag, sizeof tag);
    return copp__leave(&k, hr);
}

COPP_API int32_t copp_close(copp_session *s)
{
    copp__call k;
    const copp_crypto *cr;
    int32_t hr = copp__enter_session(&k, s, COPP_CALL_CLOSE, 1);
    if (hr != COPP_S_OK) return copp__leave(&k, hr);
    /* Drop this session's share of every type; lowering may fail in
     * hardware: the session goes all the same (fail closed, LinkLost). */
    copp__protect_leave(&k, copp__mine(&k)->level);
    cr = k.c->desc.crypto;
    if (k.from == COPP_STATE_SESSION_ACTIVE && cr->mac_release) cr->mac_release(k.c->desc.crypto_user, &s->mac);
    copp__advance(&k);   /* unlisted, the whole session wiped: CLOSED */
    return copp__leave(&k, COPP_S_OK);
}

COPP_API int32_t copp_connector_drop_session(copp_connector *c, const copp_session *s)
{
    copp__call k;
    int32_t hr = copp__enter_connector(&k, c, COPP_CALL_DROP_SESSION);
    COPP__REC(copp__rec_args(&k, s == NULL, 0));
    k.who = s;
    if (hr == COPP_S_OK && s == NULL) hr = copp__fail(&k.why, COPP_REASON_NULL_POINTER);
    if (hr == COPP_S_OK) {
        k.slot = copp__slot_of(c, s);   /* s is compared, never dereferenced */
        if (k.slot >= c->nsessions) hr = copp__fail(&k.why, COPP_REASON_NOT_BOUND);
    }
    if (hr == COPP_S_OK) {
        k.before = k.from = copp__mine(&k)->state;
        k.to = copp__edge_to(COPP_CALL_DROP_SESSION, k.from);
        if (k.to == COPP__NO_EDGE) hr = copp__fail(&k.why, COPP_REASON_BAD_STATE);   /* a kind without drop rows */
    }
    if (hr == COPP_S_OK) {
        copp__protect_leave(&k, copp__mine(&k)->level);   /* fail closed, as a close */
        copp__advance(&k);                               /* k.s is NULL: s is not touched */
    }
    return copp__leave(&k, hr);
}

COPP_API void copp_connector_event(copp_connector *c, uint32_t copp_status_flags)
{
    copp__call k;
    int32_t hr = copp__enter_connector(&k, c, COPP_CALL_EVENT);
    COPP__REC(copp__rec_args(&k, 0, copp_status_flags));
    if (hr == COPP_S_OK) k.flags = copp_status_flags & (COPP_STATUS_LINK_LOST | COPP_STATUS_RENEGOTIATION_REQUIRED);
    (void)copp__leave(&k, hr);   /* latches them */
}

/* >>status: the status requests, one table (spec 8, 5.7 - 5.10) ------------ */

/* A reply builder: fills the reply structure at `reply` (COPPStatus) after
 * rApp and dwFlags, which copp_query_status adds.  arg: the request's first
 * StatusData dword. */
typedef int32_t (*copp__reply_fn)(copp__call *k, uint32_t arg, uint8_t *reply);

/* dwData from an optional dword getter; dflt when the op is NULL. */
static int32_t copp__reply_dword(copp__call *k, int32_t (*get)(void *, uint32_t *), uint32_t dflt, uint8_t *reply)
{
    uint32_t v = dflt;
    int32_t r;
    if (get != NULL) {
        r = get(k->c->desc.hw_user, &v);
        if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
    }
    copp__st32(reply + COPP_REPLY_OFF_DWDATA, v);
    return COPP_S_OK;
}

static int32_t copp__reply_connector_type(copp__call *k, uint32_t arg, uint8_t *reply)
{
    (void)arg;
    return copp__reply_dword(k, k->c->desc.hw->get_connector_type, COPP_CONNECTOR_TYPE_UNKNOWN, reply);
}

static int32_t copp__reply_bus_data(copp__call *k, uint32_t arg, uint8_t *reply)
{
    (void)arg;
    return copp__reply_dword(k, k->c->desc.hw->get_bus_type, COPP_BUS_TYPE_UNKNOWN, reply);
}

static int32_t copp__reply_protection_type(copp__call *k, uint32_t arg, uint8_t *reply)
{
    (void)arg;
    copp__st32(reply + COPP_REPLY_OFF_DWDATA, k->c->protection_types);
    return COPP_S_OK;
}

/* The level queries name exactly one supported type. */
static int copp__query_type(const copp__call *k, uint32_t type)
{
    int t = copp__type_index(type);
    return (t >= 0 && (k->c->protection_types & type)) ? t : -1;
}

static int32_t copp__reply_local_level(copp__call *k, uint32_t type, uint8_t *reply)
{
    int t = copp__query_type(k, type);
    if (t < 0) return copp__fail(&k->why, COPP_REASON_BAD_PROTECTION_TYPE);
    copp__st32(reply + COPP_REPLY_OFF_DWDATA, copp__mine(k)->level[t]);
    return COPP_S_OK;
}

/* What is on the wire, whatever set it (spec 12.1): read when it can be. */
static int32_t copp__reply_global_level(copp__call *k, uint32_t type, uint8_t *reply)
{
    const copp_hw_ops *hw = k->c->desc.hw;
    int t = copp__query_type(k, type);
    uint32_t v;
    int32_t r;
    if (t < 0) return copp__fail(&k->why, COPP_REASON_BAD_PROTECTION_TYPE);
    v = k->c->applied[t];
    if (hw->get_protection != NULL) {
        r = hw->get_protection(k->c->desc.hw_user, type, &v);
        if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
    }
    copp__st32(reply + COPP_REPLY_OFF_DWDATA, v);
    return COPP_S_OK;
}

static int32_t copp__reply_display_data(copp__call *k, uint32_t arg, uint8_t *reply)
{
    const copp_hw_ops *hw = k->c->desc.hw;
    copp_display_data dd;
    int32_t r;
    (void)arg;
    if (hw->get_display_data == NULL) return copp__fail(&k->why, COPP_REASON_NOT_SUPPORTED);
    COPP_MEMSET(&dd, 0, sizeof dd);
    r = hw->get_display_data(k->c->desc.hw_user, &dd);
    if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
    copp__st32(reply + COPP_REPLY_OFF_DISPLAYWIDTH, dd.DisplayWidth);
    copp__st32(reply + COPP_REPLY_OFF_DISPLAYHEIGHT, dd.DisplayHeight);
    copp__st32(reply + COPP_REPLY_OFF_FORMAT, dd.Format);
    copp__st32(reply + COPP_REPLY_OFF_D3DFORMAT, dd.d3dFormat);
    copp__st32(reply + COPP_REPLY_OFF_FREQNUMERATOR, dd.FreqNumerator);
    copp__st32(reply + COPP_REPLY_OFF_FREQDENOMINATOR, dd.FreqDenominator);
    return COPP_S_OK;
}

/* A13: no HDCP on this connector, or no way to read the KSV: E_INVALIDARG. */
static int32_t copp__reply_hdcp_key_data(copp__call *k, uint32_t arg, uint8_t *reply)
{
    const copp_hw_ops *hw = k->c->desc.hw;
    uint8_t bksv[5];
    uint32_t hflags = 0;
    int32_t r;
    (void)arg;
    if (!(k->c->protection_types & COPP_PROTECTION_TYPE_HDCP) || hw->get_hdcp_key_data == NULL)
        return copp__fail(&k->why, COPP_REASON_NOT_SUPPORTED);
    COPP_MEMSET(bksv, 0, sizeof bksv);
    r = hw->get_hdcp_key_data(k->c->desc.hw_user, &hflags, bksv);
    if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
    copp__st32(reply + COPP_REPLY_OFF_DWHDCPFLAGS, hflags & COPP_HDCP_FLAG_REPEATER);
    COPP_MEMCPY(reply + COPP_REPLY_OFF_BKEY, bksv, sizeof bksv);   /* BKey bytes 0..4, LSB first (A14) */
    return COPP_S_OK;
}

static int32_t copp__reply_signaling(copp__call *k, uint32_t arg, uint8_t *reply)
{
    const copp_signaling *sig = &k->c->signaling;
    uint32_t available = 0, i;
    int32_t r;
    (void)arg;
    if (k->c->desc.hw->get_tv_standards != NULL) {
        r = k->c->desc.hw->get_tv_standards(k->c->desc.hw_user, &available);
        if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
    }
    copp__st32(reply + COPP_REPLY_OFF_AVAILABLETVPROTECTIONSTANDARDS, available);
    copp__st32(reply + COPP_REPLY_OFF_ACTIVETVPROTECTIONSTANDARD, sig->ActiveTVProtectionStandard);
    /* TVType is not used: 0. */
    for (i = 0; i < 3; i++) {
        copp__st32(reply + COPP_REPLY_OFF_ASPECTRATIOVALIDMASK1 + 8 * i, sig->AspectRatioValidMask[i]);
        copp__st32(reply + COPP_REPLY_OFF_ASPECTRATIODATA1 + 8 * i, sig->AspectRatioData[i]);
    }
    return COPP_S_OK;
}

/* The eight status requests (spec 8): name, GUID, the exact cbSizeData of
 * the request (0, or 4 for the two level queries: A20), the cbSizeData of
 * the reply, and its builder.  The one description of a request:
 * copp_query_status, tools/coppdump and the fuzz harness all read it. */
static const struct copp__status_request {
    const char *name;
    uint8_t guid[COPP_GUID_BYTES];
    uint8_t in_size;
    uint8_t reply_size;
    copp__reply_fn reply;
} copp__status_requests[] = {
    { "DXVA_COPPQueryConnectorType", COPP_GUID_DXVA_COPPQueryConnectorType,
      0, COPP_STATUS_DATA_BYTES, copp__reply_connector_type },
    { "DXVA_COPPQueryProtectionType", COPP_GUID_DXVA_COPPQueryProtectionType,
      0, COPP_STATUS_DATA_BYTES, copp__reply_protection_type },
    { "DXVA_COPPQueryLocalProtectionLevel", COPP_GUID_DXVA_COPPQueryLocalProtectionLevel,
      4, COPP_STATUS_DATA_BYTES, copp__reply_local_level },
    { "DXVA_COPPQueryGlobalProtectionLevel", COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel,
      4, COPP_STATUS_DATA_BYTES, copp__reply_global_level },
    { "DXVA_COPPQueryDisplayData", COPP_GUID_DXVA_COPPQueryDisplayData,
      0, COPP_STATUS_DISPLAY_DATA_BYTES, copp__reply_display_data },
    { "DXVA_COPPQueryHDCPKeyData", COPP_GUID_DXVA_COPPQueryHDCPKeyData,
      0, COPP_STATUS_HDCP_KEY_DATA_BYTES, copp__reply_hdcp_key_data },
    { "DXVA_COPPQueryBusData", COPP_GUID_DXVA_COPPQueryBusData,
      0, COPP_STATUS_DATA_BYTES, copp__reply_bus_data },
    { "DXVA_COPPQuerySignaling", COPP_GUID_DXVA_COPPQuerySignaling,
      0, COPP_STATUS_SIGNALING_BYTES, copp__reply_signaling },
};
#define COPP__STATUS_REQUESTS (sizeof copp__status_requests / sizeof copp__status_requests[0])

/* The request with this GUID, or NULL (A5). */
static const struct copp__status_request *copp__status_find(const uint8_t *guid)
{
    size_t i;
    for (i = 0; i < COPP__STATUS_REQUESTS; i++)
        if (copp__guid_eq(guid, copp__status_requests[i].guid)) return &copp__status_requests[i];
    return NULL;
}

/* In the reply image: cbSizeData, then COPPStatus (output offsets 16, 20). */
#define COPP__IMAGE_REPLY (COPP_STOUT_OFF_COPPSTATUS - COPP_STOUT_OFF_CBSIZEDATA)

/* Build the MACed reply image (output bytes 16 ..) and its tag. */
static int32_t copp__query(copp__call *k, const uint8_t *in, uint8_t *image, size_t image_cap, uint8_t *tag)
{
    const struct copp__status_request *q = copp__status_find(in + COPP_STIN_OFF_GUIDSTATUSREQUESTID);
    size_t maced;
    int32_t r;
    if (copp__ld32(in + COPP_STIN_OFF_DWSEQUENCE) != copp__mine(k)->status_seq)
        return copp__fail(&k->why, COPP_REASON_BAD_SEQUENCE);
    if (q == NULL) return copp__fail(&k->why, COPP_REASON_UNKNOWN_GUID);
    if (copp__ld32(in + COPP_STIN_OFF_CBSIZEDATA) != q->in_size) return copp__fail(&k->why, COPP_REASON_BAD_SIZE);
    COPP_MEMSET(image, 0, image_cap);
    r = q->reply(k, copp__ld32(in + COPP_STIN_OFF_STATUSDATA), image + COPP__IMAGE_REPLY);
    if (r != COPP_S_OK) return r;
    copp__st32(image, q->reply_size);
    COPP_MEMCPY(image + COPP__IMAGE_REPLY + COPP_REPLY_OFF_RAPP, in + COPP_STIN_OFF_RAPP, COPP_RANDOM_BYTES);
    copp__st32(image + COPP__IMAGE_REPLY + COPP_REPLY_OFF_DWFLAGS, copp__mine(k)->pending_flags);   /* spec 11 */
    /* whole AES blocks of the image, then the output's zeros (spec 5.4) */
    maced = (COPP__IMAGE_REPLY + (size_t)q->reply_size + 15u) & ~(size_t)15u;
    r = k->c->desc.crypto->mac(k->c->desc.crypto_user, &k->s->mac, image, maced, COPP_MACED_BYTES - maced, tag);
    if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_CRYPTO_FAILED, r);
    return COPP_S_OK;
}

COPP_API int32_t copp_query_status(copp_session *s, const uint8_t in[4096], uint8_t out[4096])
{
    copp__call k;
    /* the reply is assembled here, so that out is written only once
     * everything has succeeded (A22): cbSizeData and the largest reply, in
     * whole AES blocks */
    uint8_t image[(COPP__IMAGE_REPLY + COPP_STATUS_SIGNALING_BYTES + 15u) & ~15u];
    uint8_t tag[COPP_MAC_BYTES];
    int32_t hr = copp__enter_session(&k, s, COPP_CALL_QUERY_STATUS, in != NULL && out != NULL);
    COPP__REC(copp__rec_args(&k, (in == NULL) | (uint32_t)(out == NULL) << 1 | (uint32_t)(in != NULL && out == in) << 2, 0));
    COPP__REC(copp__rec_wire(&k, COPP__REC_IN, in, COPP_STATUS_INPUT_BYTES));
    if (hr == COPP_S_OK) hr = copp__query(&k, in, image, sizeof image, tag);
    if (hr == COPP_S_OK) {
        COPP_MEMSET(out, 0, COPP_STATUS_OUTPUT_BYTES);
        COPP_MEMCPY(out + COPP_STOUT_OFF_CBSIZEDATA, image, COPP__IMAGE_REPLY + copp__ld32(image));
        COPP_MEMCPY(out + COPP_STOUT_OFF_MACKDI, tag, COPP_MAC_BYTES);
        COPP__REC(copp__rec_wire(&k, COPP__REC_OUT, out, COPP_STATUS_OUTPUT_BYTES));
        copp__mine(&k)->pending_flags = 0;   /* reported: cleared */
        copp__mine(&k)->status_seq++;        /* wraps mod 2^32 (A4) */
    }
    copp__wipe(tag, sizeof tag);
    return copp__leave(&k, hr);
}

/* >>videoport: VIDEOPARAMETERS and multiple-session copy protection (spec 13) */

static const uint8_t copp__guid_videoparameters[16] = COPP_GUID_VIDEOPARAMETERS;

/* The 21 DWORDs of VIDEOPARAMETERS between the Guid and bOEMCopyProtection. */
#define COPP__VP_FIELDS(X) \
    X(dwOffset, 16) X(dwCommand, 20) X(dwFlags, 24) X(dwMode, 28) X(dwTVStandard, 32) \
    X(dwAvailableModes, 36) X(dwAvailableTVStandard, 40) X(dwFlickerFilter, 44) \
    X(dwOverScanX, 48) X(dwOverScanY, 52) X(dwMaxUnscaledX, 56) X(dwMaxUnscaledY, 60) \
    X(dwPositionX, 64) X(dwPositionY, 68) X(dwBrightness, 72) X(dwContrast, 76) \
    X(dwCPType, 80) X(dwCPCommand, 84) X(dwCPStandard, 88) X(dwCPKey, 92) \
    X(bCP_APSTriggerBits, 96)
#define COPP__VP_OEM_OFFSET 100u
#define COPP__VP_KEY_TRIES  8   /* draws before an RNG that only repeats is a failure */

static int copp__vp_find(const copp_connector *c, uint32_t key)
{
    uint32_t i;
    if (key == 0) return -1;
    for (i = 0; i < c->nvp_keys; i++)
        if (c->vp_keys[i].key == key) return (int)i;
    return -1;
}

/* A fresh key: from the RNG hook, never 0, never a live key (A18, spec 13.3). */
static int32_t copp__vp_new_key(copp_connector *c, uint32_t *key)
{
    uint8_t b[4];
    int32_t hr = COPP_E_FAIL;
    int tries;
    for (tries = 0; tries < COPP__VP_KEY_TRIES && hr != COPP_S_OK; tries++) {
        if (c->desc.crypto->randombytes(c->desc.crypto_user, b, sizeof b) != 0) break;
        *key = copp__ld32(b);
        if (*key != 0 && copp__vp_find(c, *key) < 0) hr = COPP_S_OK;
    }
    copp__wipe(b, sizeof b);
    return hr;
}

static int32_t copp__vp_get(copp__call *k, copp_videoparameters *p)
{
    copp_connector *c = k->c;
    const copp_hw_ops *hw = c->desc.hw;
    p->dwFlags = 0;
    if (hw->vp_get) {
        int32_t r = hw->vp_get(c->desc.hw_user, p);
        if (r != COPP_S_OK) return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
        p->dwFlags &= ~COPP_VP_FLAGS_COPYPROTECT;   /* copp decides that flag itself */
    } else {
        p->dwTVStandard = p->dwAvailableTVStandard = COPP_VP_TV_STANDARD_WIN_VGA;   /* no TV output */
    }
    if (c->protection_types & COPP_PROTECTION_TYPE_ACP) {
        p->dwFlags |= COPP_VP_FLAGS_COPYPROTECT;
        p->dwCPType = COPP_VP_CP_TYPE_APS_TRIGGER;
    }
    return COPP_S_OK;
}

/* SET, ordered so that every failure is fail closed.  Everything that can
 * refuse the call happens before vp_set: the new key is drawn (into
 * p->dwCPKey, wiped by the caller), then a key move that raises its level
 * goes through >>protect (checked against the mode, written, undone if
 * refused); a failing vp_set takes that raise back and puts the hardware
 * back at the level it carried when the call began (copp__move_back; if
 * that write fails the raise stands, fail closed).  A move that lowers or keeps the key's
 * level (CHANGE down, DEACTIVATE) cannot fail the call, so it runs after
 * vp_set, when nothing else can fail. */
static int32_t copp__vp_set(copp__call *k, copp_videoparameters *p)
{
    copp_connector *c = k->c;
    const copp_hw_ops *hw = c->desc.hw;
    int cp = (p->dwFlags & COPP_VP_FLAGS_COPYPROTECT) && (c->protection_types & COPP_PROTECTION_TYPE_ACP);
    int tv = (p->dwFlags & ~COPP_VP_FLAGS_COPYPROTECT) != 0;
    uint32_t cmd = p->dwCPCommand, fresh = COPP__NOWHERE, prev = COPP__NOWHERE, to = COPP__NOWHERE;
    uint32_t before = c->applied[COPP__T_ACP];   /* what the hardware carries: a failed SET leaves it */
    uint32_t flags = k->flags;                    /* the events the call latches: a failed SET none */
    uint32_t *held = &fresh;   /* the key's recorded level; a new key's until it is stored */
    int early = 0, slot = -1;
    int32_t r;
    if (tv && hw->vp_set == NULL) return copp__fail(&k->why, COPP_REASON_NOT_SUPPORTED);
    if (cp) {
        if (cmd == COPP_VP_CP_CMD_DEACTIVATE || cmd == COPP_VP_CP_CMD_CHANGE) {
            slot = copp__vp_find(c, p->dwCPKey);
            if (slot < 0) return copp__fail(&k->why, COPP_REASON_BAD_KEY);
            held = &c->vp_keys[slot].level;
        } else if (cmd == COPP_VP_CP_CMD_ACTIVATE) {
            if (c->nvp_keys >= COPP_MAX_VP_KEYS) return copp__fail(&k->why, COPP_REASON_NO_KEY_SLOT);
            if (copp__vp_new_key(c, &p->dwCPKey) != COPP_S_OK) return copp__fail(&k->why, COPP_REASON_CRYPTO_FAILED);
        } else {
            return copp__fail(&k->why, COPP_REASON_BAD_VIDEOPARAMETERS);
        }
        prev = *held;
        if (cmd != COPP_VP_CP_CMD_DEACTIVATE) to = p->bCP_APSTriggerBits & 3u;   /* APS trigger bits = ACP level (A18) */
        early = copp__raises(COPP__T_ACP, prev, to);
    }
    if (early) {
        r = copp__move(k, COPP__T_ACP, held, to, COPP__APPLY);
        if (r != COPP_S_OK) return r;
    }
    if (tv) {
        r = hw->vp_set(c->desc.hw_user, p);
        if (r != COPP_S_OK) {
            k->flags = flags;   /* the raise is taken back whole, with what it latched */
            if (early) copp__move_back(k, COPP__T_ACP, held, prev, before);   /* back as it was */
            return copp__cb_fail(&k->why, COPP_REASON_HW_FAILED, r);
        }
    }
    if (!cp) return COPP_S_OK;
    if (!early) (void)copp__move(k, COPP__T_ACP, held, to, COPP__APPLY);   /* stands, fail closed */
    if (cmd == COPP_VP_CP_CMD_ACTIVATE) {
        c->vp_keys[c->nvp_keys].key = p->dwCPKey;
        c->vp_keys[c->nvp_keys].level = fresh;
        c->nvp_keys++;
    } else if (cmd == COPP_VP_CP_CMD_DEACTIVATE) {
        c->vp_keys[slot] = c->vp_keys[--c->nvp_keys];
        c->vp_keys[c->nvp_keys].key = 0;
        c->vp_keys[c->nvp_keys].level = 0;
    }
    return COPP_S_OK;
}

/* The Win32 status of a VIDEOPARAMETERS result (spec 13; A18). */
static uint32_t copp__vp_status(int32_t hr, uint32_t why)
{
    if (hr == COPP_S_OK) return COPP_NO_ERROR;
    switch (why) {   /* the Win32 column of COPP__REASONS */
#define COPP__X(name, value, hr_, win32, text) case value: return (win32) ? (uint32_t)(win32) : COPP_ERROR_INVALID_PARAMETER;
    COPP__REASONS(COPP__X)
#undef COPP__X
    default: return COPP_ERROR_INVALID_PARAMETER;
    }
}

/* The body of copp_handle_videoparameters, in a frame of its own so that the
 * entry point can zero that frame's depth after it returns (below). */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((__noinline__))
#endif
static uint32_t copp__videoparameters(copp_connector *c, const uint8_t in[356], uint8_t out[356])
{
    copp__call k;
    copp_videoparameters p;
    int32_t hr = copp__enter_connector(&k, c, COPP_CALL_VIDEO_PARAMETERS);
    COPP__REC(copp__rec_args(&k, (in == NULL) | (uint32_t)(out == NULL) << 1 | (uint32_t)(in != NULL && out == in) << 2, 0));
    COPP__REC(copp__rec_wire(&k, COPP__REC_IN, in, COPP_VIDEOPARAMETERS_BYTES));
    if (hr == COPP_S_OK && (in == NULL || out == NULL)) hr = copp__fail(&k.why, COPP_REASON_NULL_POINTER);
    else if (hr == COPP_S_OK && !copp__guid_eq(in, copp__guid_videoparameters))   /* checked first (spec 13.2) */
        hr = copp__fail(&k.why, COPP_REASON_BAD_VIDEOPARAMETERS);
    else if (hr == COPP_S_OK) {
#define COPP__X(f, off) p.f = copp__ld32(in + off);
        COPP__VP_FIELDS(COPP__X)
#undef COPP__X
        p.bOEMCopyProtection = in + COPP__VP_OEM_OFFSET;
        if (p.dwCommand == COPP_VP_COMMAND_GET) hr = copp__vp_get(&k, &p);
        else if (p.dwCommand == COPP_VP_COMMAND_SET) hr = copp__vp_set(&k, &p);
        else hr = copp__fail(&k.why, COPP_REASON_BAD_VIDEOPARAMETERS);
    }
    if (hr == COPP_S_OK) {
        COPP_MEMCPY(out, copp__guid_videoparameters, COPP_GUID_BYTES);
#define COPP__X(f, off) copp__st32(out + off, p.f);
        COPP__VP_FIELDS(COPP__X)
#undef COPP__X
        if (out != in) COPP_MEMCPY(out + COPP__VP_OEM_OFFSET, in + COPP__VP_OEM_OFFSET, 256);
        COPP__REC(copp__rec_wire(&k, COPP__REC_OUT, out, COPP_VIDEOPARAMETERS_BYTES));
    }
    copp__wipe(&p, sizeof p);   /* dwCPKey: a live key is what CHANGE and DEACTIVATE need */
    hr = copp__leave(&k, hr);
    return copp__vp_status(hr, k.why);
}

/* Zeroes COPP__BURN bytes of stack below the caller's frame: where the body
 * above and its callees ran.  Wiping p does not reach the copies a compiler
 * keeps of dwCPKey in callee-saved registers, which later callees push into
 * their frames (the Win64 build under Wine showed the issued key there). */
#define COPP__BURN 448
#if defined(__GNUC__) || defined(__clang__)
__attribute__((__noinline__))
#endif
static void copp__burn_stack(void)
{
    volatile uint8_t b[COPP__BURN];
    size_t i;
    for (i = 0; i < sizeof b; i++) b[i] = 0;
}

COPP_API uint32_t copp_handle_videoparameters(copp_connector *c, const uint8_t in[356], uint8_t out[356])
{
    uint32_t r = copp__videoparameters(c, in, out);
    copp__burn_stack();   /* a live video-port key can lower protection */
    return r;
}

/* >>resync ----------------------------------------------------------------- */

COPP_API int32_t copp_connector_resync(copp_connector *c, uint32_t copp_status_flags)
{
    copp__call k;
    uint32_t why = COPP_REASON_NONE;
    int32_t hr = copp__enter_connector(&k, c, COPP_CALL_RESYNC), r;
    int t;
    COPP__REC(copp__rec_args(&k, 0, copp_status_flags));
    if (hr != COPP_S_OK) return copp__leave(&k, hr);
    k.flags = copp_status_flags & (COPP_STATUS_LINK_LOST | COPP_STATUS_RENEGOTIATION_REQUIRED);
    for (t = 0; t < (int)COPP__TYPES; t++) {
        if (!(c->protection_types & copp__type_bits[t])) continue;
        r = copp__protect_resync(c, t, &why);
        if (r != COPP_S_OK) {
            /* the mode cannot carry it, or the write failed: sessions must know */
            k.flags |= COPP_STATUS_LINK_LOST;
            if (hr == COPP_S_OK) {
                hr = r;
                k.why = why;
            }
        }
    }
    return copp__leave(&k, hr);   /* latches k.flags */
}


/* >>opm-impl: protected outputs (OPM.md) ---------------------------------- */
/* Not yet implemented in this revision: every entry point returns
 * COPP_STATUS_NOT_SUPPORTED and changes nothing (see >>opm). */

COPP_API int32_t copp_opm_get_certificate_size(copp_connector *c, uint32_t certificate_type, uint32_t *size)
{
    (void)c; (void)certificate_type; (void)size;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_get_certificate(copp_connector *c, uint32_t certificate_type, uint8_t *buf, uint32_t size)
{
    (void)c; (void)certificate_type; (void)buf; (void)size;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_create_protected_output(copp_connector *c, copp_opm_output *po, uint32_t semantics)
{
    (void)c; (void)po; (void)semantics;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_get_random_number(copp_opm_output *po, uint8_t random[16])
{
    (void)po; (void)random;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_set_signing_key_and_sequence_numbers(copp_opm_output *po, const uint8_t encrypted[256])
{
    (void)po; (void)encrypted;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_get_information(copp_opm_output *po, const uint8_t in[4112], uint8_t out[4096])
{
    (void)po; (void)in; (void)out;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_get_copp_compatible_information(copp_opm_output *po, const uint8_t in[4096],
                                                          uint8_t out[4096])
{
    (void)po; (void)in; (void)out;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_configure_protected_output(copp_opm_output *po, const uint8_t in[4096],
                                                     uint32_t additional_size, const uint8_t *additional)
{
    (void)po; (void)in; (void)additional_size; (void)additional;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API int32_t copp_opm_destroy_protected_output(copp_opm_output *po)
{
    (void)po;
    return COPP_STATUS_NOT_SUPPORTED;
}

COPP_API uint32_t copp_opm_state(const copp_opm_output *po)
{
    const copp__slot *r = po != NULL ? copp__record(&po->s) : NULL;
    return (r != NULL && r->state >= COPP_STATE_PO_CREATED) ? r->state : COPP_STATE_CLOSED;
}

COPP_API uint32_t copp_opm_semantics(const copp_opm_output *po)
{
    const copp__slot *r = po != NULL ? copp__record(&po->s) : NULL;
    return (r != NULL && r->state >= COPP_STATE_PO_CREATED) ? r->semantics : 0xFFFFFFFFu;
}

COPP_API uint32_t copp_opm_virtual_level(const copp_opm_output *po, uint32_t opm_prot_type)
{
    (void)po; (void)opm_prot_type;
    return COPP_LEVEL_NOT_AVAILABLE;
}

COPP_API uint32_t copp_opm_last_reason(const copp_opm_output *po) { return po ? po->s.last_reason : 0u; }

/* The NTSTATUS names copp returns (OPM.md 3), for copp_ntstatus_str. */
#define COPP__NTSTATUS_NAMES(X) \
    X(SUCCESS) X(INVALID_PARAMETER) X(NO_MEMORY) X(BUFFER_TOO_SMALL) X(NOT_SUPPORTED) X(INVALID_DEVICE_STATE) \
    X(GRAPHICS_OPM_NOT_SUPPORTED) X(GRAPHICS_COPP_NOT_SUPPORTED) X(GRAPHICS_UAB_NOT_SUPPORTED) \
    X(GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS) X(GRAPHICS_OPM_PARAMETER_ARRAY_TOO_SMALL) \
    X(GRAPHICS_OPM_NO_PROTECTED_OUTPUTS_EXIST) X(GRAPHICS_OPM_INVALID_POINTER) X(GRAPHICS_OPM_INTERNAL_ERROR) \
    X(GRAPHICS_OPM_INVALID_HANDLE) X(GRAPHICS_PVP_INVALID_CERTIFICATE_LENGTH) X(GRAPHICS_OPM_SPANNING_MODE_ENABLED) \
    X(GRAPHICS_OPM_THEATER_MODE_ENABLED) X(GRAPHICS_PVP_HFS_FAILED) X(GRAPHICS_OPM_INVALID_SRM) \
    X(GRAPHICS_OPM_OUTPUT_DOES_NOT_SUPPORT_HDCP) X(GRAPHICS_OPM_OUTPUT_DOES_NOT_SUPPORT_ACP) \
    X(GRAPHICS_OPM_OUTPUT_DOES_NOT_SUPPORT_CGMSA) X(GRAPHICS_OPM_HDCP_SRM_NEVER_SET) \
    X(GRAPHICS_OPM_RESOLUTION_TOO_HIGH) X(GRAPHICS_OPM_ALL_HDCP_HARDWARE_ALREADY_IN_USE) \
    X(GRAPHICS_OPM_PROTECTED_OUTPUT_NO_LONGER_EXISTS) X(GRAPHICS_OPM_SESSION_TYPE_CHANGE_IN_PROGRESS) \
    X(GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS) X(GRAPHICS_OPM_INVALID_INFORMATION_REQUEST) \
    X(GRAPHICS_OPM_DRIVER_INTERNAL_ERROR) X(GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_OPM_SEMANTICS) \
    X(GRAPHICS_OPM_SIGNALING_NOT_SUPPORTED) X(GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST)

COPP_API const char *copp_ntstatus_str(int32_t status)
{
#ifdef COPP_NO_STRINGS
    (void)status;
    return "";
#else
#define COPP__X(name) if (status == COPP_STATUS_##name) return "STATUS_" #name;
    COPP__NTSTATUS_NAMES(COPP__X)
#undef COPP__X
    return "NTSTATUS";
#endif
}

/* IddCx helpers: not yet implemented in this revision (COPP_STATUS_NOT_SUPPORTED). */
COPP_API int32_t copp_iddcx_opm_get_certificate_size(copp_connector *c, uint32_t certificate_type, uint32_t *size)
{
    (void)c; (void)certificate_type; (void)size;
    return COPP_STATUS_NOT_SUPPORTED;
}
COPP_API int32_t copp_iddcx_opm_get_certificate(copp_connector *c, uint32_t certificate_type,
                                                uint8_t *buf, uint32_t size)
{
    (void)c; (void)certificate_type; (void)buf; (void)size;
    return COPP_STATUS_NOT_SUPPORTED;
}
COPP_API int32_t copp_iddcx_opm_create_protected_output(copp_connector *c, copp_opm_output *po, uint32_t semantics)
{
    (void)c; (void)po; (void)semantics;
    return COPP_STATUS_NOT_SUPPORTED;
}
COPP_API int32_t copp_iddcx_opm_get_random_number(copp_opm_output *po, uint8_t out[20])
{
    (void)po; (void)out;
    return COPP_STATUS_NOT_SUPPORTED;
}
COPP_API int32_t copp_iddcx_opm_set_signing_key_and_sequence_numbers(copp_opm_output *po, const uint8_t in[260])
{
    (void)po; (void)in;
    return COPP_STATUS_NOT_SUPPORTED;
}
COPP_API int32_t copp_iddcx_opm_get_information(copp_opm_output *po, const uint8_t in[4116], uint8_t out[4100])
{
    (void)po; (void)in; (void)out;
    return COPP_STATUS_NOT_SUPPORTED;
}
COPP_API int32_t copp_iddcx_opm_configure_protected_output(copp_opm_output *po, const uint8_t in[4100],
                                                           uint32_t additional_size, const uint8_t *additional)
{
    (void)po; (void)in; (void)additional_size; (void)additional;
    return COPP_STATUS_NOT_SUPPORTED;
}
COPP_API int32_t copp_iddcx_opm_destroy_protected_output(copp_opm_output *po)
{
    (void)po;
    return COPP_STATUS_NOT_SUPPORTED;
}

/* >>accessors -------------------------------------------------------------- */

COPP_API uint32_t copp_connector_vp_key_count(const copp_connector *c)
{
    return (c && c->initialized == COPP__MAGIC) ? c->nvp_keys : 0u;
}

COPP_API uint32_t copp_session_state(const copp_session *s)
{
    const copp__slot *r = copp__record(s);
    return r != NULL ? r->state : COPP_STATE_CLOSED;
}

COPP_API uint32_t copp_session_last_reason(const copp_session *s) { return s ? s->last_reason : 0u; }
COPP_API int copp_is_active(const copp_session *s) { return copp_session_state(s) == COPP_STATE_SESSION_ACTIVE; }

COPP_API uint32_t copp_session_local_level(const copp_session *s, uint32_t prot_type)
{
    int t = copp__type_index(prot_type);
    const copp__slot *r = copp__record(s);
    return (r != NULL && t >= 0) ? r->level[t] : COPP_LEVEL_NOT_AVAILABLE;
}

COPP_API uint32_t copp_connector_level(const copp_connector *c, uint32_t prot_type)
{
    int t = copp__type_index(prot_type);
    if (c == NULL || c->initialized != COPP__MAGIC || t < 0 || !(c->protection_types & prot_type))
        return COPP_LEVEL_NOT_AVAILABLE;
    return c->applied[t];
}

COPP_API uint32_t copp_connector_session_count(const copp_connector *c)
{
    return (c && c->initialized == COPP__MAGIC) ? c->nsessions : 0u;
}

COPP_API const char *copp_reason_str(uint32_t reason)
{
#ifdef COPP_NO_STRINGS
    (void)reason;
    return "";
#else
    switch (reason) {
#define COPP__X(name, value, hr, win32, text) case value: return text;
    COPP__REASONS(COPP__X)
#undef COPP__X
    default: return "unknown reason";
    }
#endif
}

/* The HRESULTs copp names (spec 3), for copp_result_str. */
#define COPP__HRESULT_NAMES(X) \
    X(S_OK) X(E_UNEXPECTED) X(E_INVALIDARG) X(E_POINTER) X(E_OUTOFMEMORY) X(E_FAIL) \
    X(DDERR_TOOBIGSIZE) X(DDERR_UNSUPPORTEDMODE) X(DDERR_CURRENTLYNOTAVAIL)

COPP_API const char *copp_result_str(int32_t hr)
{
#ifdef COPP_NO_STRINGS
    (void)hr;
    return "";
#else
#define COPP__X(name) if (hr == COPP_##name) return #name;
    COPP__HRESULT_NAMES(COPP__X)
#undef COPP__X
    return "HRESULT";
#endif
}

/* The errno numbers of COPP__RESULT_MAP: the environment's macros when it has
 * them (<errno.h>, <linux/errno.h>), else Linux's generic numbers. */
#define COPP__ERRNO_0 0
#ifdef EIO
#define COPP__ERRNO_EIO EIO
#else
#define COPP__ERRNO_EIO 5
#endif
#ifdef EAGAIN
#define COPP__ERRNO_EAGAIN EAGAIN
#else
#define COPP__ERRNO_EAGAIN 11
#endif
#ifdef ENOMEM
#define COPP__ERRNO_ENOMEM ENOMEM
#else
#define COPP__ERRNO_ENOMEM 12
#endif
#ifdef EFAULT
#define COPP__ERRNO_EFAULT EFAULT
#else
#define COPP__ERRNO_EFAULT 14
#endif
#ifdef EBUSY
#define COPP__ERRNO_EBUSY EBUSY
#else
#define COPP__ERRNO_EBUSY 16
#endif
#ifdef EINVAL
#define COPP__ERRNO_EINVAL EINVAL
#else
#define COPP__ERRNO_EINVAL 22
#endif
#ifdef EPROTO
#define COPP__ERRNO_EPROTO EPROTO
#else
#define COPP__ERRNO_EPROTO 71
#endif
#ifdef EOPNOTSUPP
#define COPP__ERRNO_EOPNOTSUPP EOPNOTSUPP
#else
#define COPP__ERRNO_EOPNOTSUPP 95
#endif

COPP_API int32_t copp_hresult_from_win32(uint32_t w)
{
    return w == 0u ? COPP_S_OK : COPP__HR_WIN32(w & 0xFFFFu);
}

COPP_API int copp_hresult_to_errno(int32_t hr)
{
    switch (hr) {   /* a duplicate HRESULT in the map is a compile error here */
#define COPP__X(hr_, err, nt, when) case hr_: return -(int)COPP__ERRNO_##err;
    COPP__RESULT_MAP(COPP__X)
#undef COPP__X
    default: return hr < 0 ? -(int)COPP__ERRNO_EIO : 0;
    }
}

COPP_API int32_t copp_hresult_to_ntstatus(int32_t hr)
{
    switch (hr) {
#define COPP__X(hr_, err, nt, when) case hr_: return nt;
    COPP__RESULT_MAP(COPP__X)
#undef COPP__X
    default: break;
    }
    if (hr >= 0) return COPP_NTSTATUS_SUCCESS;
    /* HRESULT_FROM_NT(s) = s | 0x10000000: an error-severity NTSTATUS has
     * 0xC in its top nibble, so the HRESULT has 0xD. */
    if (((uint32_t)hr & 0xF0000000u) == 0xD0000000u)
        return COPP__HRESULT_FAIL((uint32_t)hr & ~0x10000000u);
    return COPP_NTSTATUS_UNSUCCESSFUL;
}

COPP_API uint32_t copp_extended_format(uint32_t sample_format, uint32_t chroma_subsampling,
                                       uint32_t nominal_range, uint32_t transfer_matrix,
                                       uint32_t lighting, uint32_t primaries,
                                       uint32_t transfer_function)
{
    return (sample_format & 0xFFu) | ((chroma_subsampling & 0xFu) << 8) |
           ((nominal_range & 0x7u) << 12) | ((transfer_matrix & 0x7u) << 15) |
           ((lighting & 0xFu) << 18) | ((primaries & 0x1Fu) << 22) |
           ((transfer_function & 0x1Fu) << 27);
}

/* >>recorder-impl: the transcript writer (COPP_WITH_RECORDER) -------------- */
#ifdef COPP_WITH_RECORDER

COPP_API int32_t copp_recorder_init(copp_recorder *r, uint8_t *buf, uint32_t cap, uint32_t flags)
{
    if (r == NULL || buf == NULL) return COPP_E_POINTER;
    if (cap < 64u || cap > 0x40000000u || (flags & ~COPP_RECORDER_KEEP_MAC_KEY)) return COPP_E_INVALIDARG;
    COPP_MEMSET(r, 0, sizeof *r);
    r->buf = buf;
    r->cap = cap;
    r->flags = flags;
    return COPP_S_OK;
}

/* Ring offset of byte `off` of the record being written. */
static uint32_t copp__rec_at(const copp_recorder *r, uint32_t off)
{
    uint32_t a = r->tail + r->used + off;   /* each <= cap <= 2^30: no wrap */
    return a % r->cap;
}

/* Drop the oldest whole record (its length is its first u32). */
static void copp__rec_evict(copp_recorder *r)
{
    uint8_t b[4];
    uint32_t i, n;
    for (i = 0; i < 4u; i++) b[i] = r->buf[(r->tail + i) % r->cap];
    n = copp__ld32(b);
    COPP_ASSERT(n >= COPP_REC_HEADER_BYTES && n <= r->used);
    if (n > r->used) n = r->used;   /* cannot happen: the writer wrote it */
    r->tail = (r->tail + n) % r->cap;
    r->used -= n;
    r->records--;
    r->dropped++;
    if (r->records == 0) r->tail = r->used = 0;
}

/* Append n bytes (p NULL: zeros) to the record being written, evicting the
 * oldest records to make room; a record larger than the ring is lost. */
static void copp__rec_put(copp_recorder *r, const uint8_t *p, uint32_t n)
{
    uint32_t at, first;
    if (r == NULL || !r->open || r->lost) return;
    while (r->cap - r->used - r->len < n) {
        if (r->records == 0) { r->lost = 1u; return; }
        copp__rec_evict(r);
    }
    at = copp__rec_at(r, r->len);
    first = r->cap - at < n ? r->cap - at : n;   /* up to the end of the ring, then from its start */
    if (p != NULL) {
        COPP_MEMCPY(r->buf + at, p, first);
        if (n > first) COPP_MEMCPY(r->buf, p + first, n - first);
    } else {
        COPP_MEMSET(r->buf + at, 0, first);
        if (n > first) COPP_MEMSET(r->buf, 0, n - first);
    }
    r->len += n;
}

/* Overwrite byte `off` of the record being written. */
static void copp__rec_poke(copp_recorder *r, uint32_t off, uint8_t v)
{
    if (!r->lost && off < r->len) r->buf[copp__rec_at(r, off)] = v;
}

static void copp__rec_item_head(copp_recorder *r, uint32_t kind, uint32_t id, uint32_t n)
{
    uint8_t h[COPP_REC_ITEM_HEADER_BYTES];
    h[0] = (uint8_t)kind;
    h[1] = (uint8_t)id;
    h[2] = (uint8_t)n;
    h[3] = (uint8_t)(n >> 8);
    copp__rec_put(r, h, sizeof h);
}

static void copp__rec_item(copp_recorder *r, uint32_t kind, uint32_t id, const uint8_t *p, uint32_t n)
{
    if (r == NULL || !r->open) return;
    copp__rec_item_head(r, kind, id, n);
    copp__rec_put(r, p, n);
}

/* A call starts its record: the 12-byte record header, length patched at the end. */
static void copp__rec_begin(copp__call *k, copp_recorder *r)
{
    uint8_t h[COPP_REC_HEADER_BYTES];
    k->rec = r;
    if (r == NULL) return;
    r->open = 1u;
    r->len = 0;
    r->lost = 0;
    r->call = k->id;
    r->tag_at = 0;
    copp__st32(h, 0);
    copp__st32(h + 4, r->next_seq);
    h[8] = (uint8_t)k->id;
    h[9] = (uint8_t)(k->id >> 8);
    h[10] = h[11] = 0;
    copp__rec_put(r, h, sizeof h);
}

/* The call's END item (docs/transcript.md), then the record is whole.  A
 * command refused for its MAC has its computed tag withheld (a valid tag of
 * bytes the caller chose is a forgery). */
static void copp__rec_end(copp__call *k, int32_t hr)
{
    copp_recorder *r = k->rec;
    const copp_connector *c = k->c;
    uint8_t e[COPP_REC_END_BYTES], len[4];
    uint32_t i, slot = COPP_REC_NONE;
    if (r == NULL || !r->open) return;
    if (k->id == COPP_CALL_COMMAND && k->why == COPP_REASON_BAD_MAC && r->tag_at != 0)
        for (i = 0; i <= COPP_MAC_BYTES; i++) copp__rec_poke(r, r->tag_at + i, 0);   /* kept flag, tag */
    if (k->from != COPP_STATE_CLOSED || (k->id == COPP_CALL_OPEN && hr == COPP_S_OK)) slot = k->slot;
    COPP_MEMSET(e, 0, sizeof e);
    copp__st32(e, (uint32_t)hr);
    copp__st32(e + 4, k->why);
    copp__st32(e + 8, slot);
    copp__st32(e + 12, k->before);
    copp__st32(e + 16, k->s != NULL ? k->s->state : COPP_STATE_CLOSED);
    copp__st32(e + 20, k->flags);
    if (c != NULL && c->initialized == COPP__MAGIC) {
        for (i = 0; i < COPP__TYPES; i++) copp__st32(e + 24 + 4 * i, c->applied[i]);
        copp__st32(e + 36, c->nsessions);
        copp__st32(e + 40, c->nvp_keys);
    }
    copp__rec_item(r, COPP_REC_KIND_END, 0, e, sizeof e);
    r->open = 0;
    if (k->id == COPP_CALL_CONNECTOR_INIT && hr == COPP_S_OK && c != NULL) r->protection_types = c->protection_types;
    r->next_seq++;
    if (r->lost) {   /* larger than the ring: its number is skipped */
        r->dropped++;
        return;
    }
    copp__st32(len, r->len);
    for (i = 0; i < 4u; i++) r->buf[copp__rec_at(r, i)] = len[i];
    r->used += r->len;
    r->records++;
}

static void copp__rec_args(copp__call *k, uint32_t nulls, uint32_t value)
{
    uint8_t b[8];
    copp__st32(b, nulls);
    copp__st32(b + 4, value);
    copp__rec_item(k->rec, COPP_REC_KIND_INPUT, COPP_REC_ITEM_ARGS, b, sizeof b);
}

/* Wire bytes: their full length, then the bytes up to the last non-zero
 * one (the rest are zero); a NULL pointer has length COPP_REC_NONE. */
static void copp__rec_wire(copp__call *k, uint32_t kind, const uint8_t *p, uint32_t n)
{
    copp_recorder *r = k->rec;
    uint8_t b[4];
    uint32_t keep = n;
    if (r == NULL || !r->open) return;
    if (p == NULL) n = keep = 0;
    while (keep >= 32u) {   /* the zero tail of a 4 KB message, 32 bytes a step */
        uint64_t w[4];
        COPP_MEMCPY(w, p + keep - 32u, sizeof w);
        if ((w[0] | w[1] | w[2] | w[3]) != 0) break;
        keep -= 32u;
    }
    while (keep > 0 && p[keep - 1] == 0) keep--;
    copp__st32(b, p == NULL ? COPP_REC_NONE : n);
    copp__rec_item_head(r, kind, COPP_REC_ITEM_WIRE, 4u + keep);
    copp__rec_put(r, b, 4);
    copp__rec_put(r, p, keep);
}

static void copp__rec_value(copp__call *k, uint32_t id, uint32_t v)
{
    uint8_t b[4];
    copp__st32(b, v);
    copp__rec_item(k->rec, COPP_REC_KIND_OUTPUT, id, b, sizeof b);
}

/* Init's input: what the description says (not the certificate's bytes:
 * the replay needs only its length). */
static void copp__rec_desc(copp__call *k, const copp_connector_desc *d)
{
    const copp_hw_ops *o = d->hw;
    uint8_t b[16];
    uint32_t hw = 0;   /* bit i: the op of callback id i + 1 is set */
    hw |= (uint32_t)(o->get_protection_types != NULL) << 0;
    hw |= (uint32_t)(o->set_protection != NULL) << 1;
    hw |= (uint32_t)(o->get_protection != NULL) << 2;
    hw |= (uint32_t)(o->check_protection != NULL) << 3;
    hw |= (uint32_t)(o->get_connector_type != NULL) << 4;
    hw |= (uint32_t)(o->get_bus_type != NULL) << 5;
    hw |= (uint32_t)(o->get_display_data != NULL) << 6;
    hw |= (uint32_t)(o->get_hdcp_key_data != NULL) << 7;
    hw |= (uint32_t)(o->get_tv_standards != NULL) << 8;
    hw |= (uint32_t)(o->set_signaling != NULL) << 9;
    hw |= (uint32_t)(o->vp_get != NULL) << 10;
    hw |= (uint32_t)(o->vp_set != NULL) << 11;
    copp__st32(b, d->certificate_len);
    copp__st32(b + 4, hw);
    copp__st32(b + 8, (uint32_t)(d->crypto->mac_release != NULL) | (uint32_t)(d->crypto->oaep_decrypt != NULL) << 1);
    copp__st32(b + 12, k->rec != NULL ? k->rec->flags : 0u);
    copp__rec_item(k->rec, COPP_REC_KIND_INPUT, COPP_REC_ITEM_DESC, b, sizeof b);
}

/* ---- the shims: each calls the caller's op, then records it (user is c) */

#define COPP__REC_C   copp_connector *c = (copp_connector *)user
#define COPP__REC_HW  c->rec.user_hw
#define COPP__REC_HWU c->rec.user_hw_user
#define COPP__REC_CR  c->rec.user_crypto
#define COPP__REC_CRU c->rec.user_crypto_user

static void copp__rec_cb(copp_connector *c, uint32_t id, const uint8_t *p, uint32_t n)
{
    copp__rec_item(c->desc.recorder, COPP_REC_KIND_CALLBACK, id, p, n);
}

static void copp__rec_cb_types(copp_recorder *r, int32_t hr, uint32_t types)
{
    uint8_t b[8];
    copp__st32(b, (uint32_t)hr);
    copp__st32(b + 4, types);
    copp__rec_item(r, COPP_REC_KIND_CALLBACK, COPP_REC_CB_GET_PROTECTION_TYPES, b, sizeof b);
}

/* RNG bytes are kept, but rGH (the key exchange's draw) is withheld. */
static void copp__rec_cb_rng(copp_recorder *r, const uint8_t *buf, size_t len, int rv)
{
    uint8_t b[9];
    uint32_t n = len > 4096u ? 4096u : (uint32_t)len;
    int keep = r != NULL && r->call != COPP_CALL_KEY_EXCHANGE && rv == 0;
    if (r == NULL || !r->open) return;
    copp__st32(b, (uint32_t)len);
    copp__st32(b + 4, (uint32_t)rv);
    b[8] = (uint8_t)keep;
    copp__rec_item_head(r, COPP_REC_KIND_CALLBACK, COPP_REC_CB_RANDOMBYTES, 9u + (keep ? n : 0u));
    copp__rec_put(r, b, sizeof b);
    if (keep) copp__rec_put(r, buf, n);
}

static int32_t copp__rec_get_protection_types(void *user, uint32_t *types)
{
    COPP__REC_C;
    int32_t hr = COPP__REC_HW->get_protection_types(COPP__REC_HWU, types);
    copp__rec_cb_types(c->desc.recorder, hr, *types);
    return hr;
}

/* (type, level) -> hr: set_protection, check_protection. */
static void copp__rec_tl(copp_connector *c, uint32_t id, uint32_t type, uint32_t level, int32_t hr)
{
    uint8_t b[12];
    copp__st32(b, type);
    copp__st32(b + 4, level);
    copp__st32(b + 8, (uint32_t)hr);
    copp__rec_cb(c, id, b, sizeof b);
}

static int32_t copp__rec_set_protection(void *user, uint32_t type, uint32_t level)
{
    COPP__REC_C;
    int32_t hr = COPP__REC_HW->set_protection(COPP__REC_HWU, type, level);
    copp__rec_tl(c, COPP_REC_CB_SET_PROTECTION, type, level, hr);
    return hr;
}

static int32_t copp__rec_check_protection(void *user, uint32_t type, uint32_t level)
{
    COPP__REC_C;
    int32_t hr = COPP__REC_HW->check_protection(COPP__REC_HWU, type, level);
    copp__rec_tl(c, COPP_REC_CB_CHECK_PROTECTION, type, level, hr);
    return hr;
}

static int32_t copp__rec_get_protection(void *user, uint32_t type, uint32_t *level)
{
    COPP__REC_C;
    uint8_t b[12];
    int32_t hr = COPP__REC_HW->get_protection(COPP__REC_HWU, type, level);
    copp__st32(b, type);
    copp__st32(b + 4, (uint32_t)hr);
    copp__st32(b + 8, *level);
    copp__rec_cb(c, COPP_REC_CB_GET_PROTECTION, b, sizeof b);
    return hr;
}

/* hr, then a dword the op wrote. */
static void copp__rec_hv(copp_connector *c, uint32_t id, int32_t hr, uint32_t v)
{
    uint8_t b[8];
    copp__st32(b, (uint32_t)hr);
    copp__st32(b + 4, v);
    copp__rec_cb(c, id, b, sizeof b);
}

static int32_t copp__rec_get_connector_type(void *user, uint32_t *v)
{
    COPP__REC_C;
    int32_t hr = COPP__REC_HW->get_connector_type(COPP__REC_HWU, v);
    copp__rec_hv(c, COPP_REC_CB_GET_CONNECTOR_TYPE, hr, *v);
    return hr;
}

static int32_t copp__rec_get_bus_type(void *user, uint32_t *v)
{
    COPP__REC_C;
    int32_t hr = COPP__REC_HW->get_bus_type(COPP__REC_HWU, v);
    copp__rec_hv(c, COPP_REC_CB_GET_BUS_TYPE, hr, *v);
    return hr;
}

static int32_t copp__rec_get_tv_standards(void *user, uint32_t *v)
{
    COPP__REC_C;
    int32_t hr = COPP__REC_HW->get_tv_standards(COPP__REC_HWU, v);
    copp__rec_hv(c, COPP_REC_CB_GET_TV_STANDARDS, hr, *v);
    return hr;
}

static int32_t copp__rec_get_display_data(void *user, copp_display_data *dd)
{
    COPP__REC_C;
    uint8_t b[28];
    int32_t hr = COPP__REC_HW->get_display_data(COPP__REC_HWU, dd);
    copp__st32(b, (uint32_t)hr);
    copp__st32(b + 4, dd->DisplayWidth);
    copp__st32(b + 8, dd->DisplayHeight);
    copp__st32(b + 12, dd->Format);
    copp__st32(b + 16, dd->d3dFormat);
    copp__st32(b + 20, dd->FreqNumerator);
    copp__st32(b + 24, dd->FreqDenominator);
    copp__rec_cb(c, COPP_REC_CB_GET_DISPLAY_DATA, b, sizeof b);
    return hr;
}

static int32_t copp__rec_get_hdcp_key_data(void *user, uint32_t *hdcp_flags, uint8_t bksv[5])
{
    COPP__REC_C;
    uint8_t b[13];
    int32_t hr = COPP__REC_HW->get_hdcp_key_data(COPP__REC_HWU, hdcp_flags, bksv);
    copp__st32(b, (uint32_t)hr);
    copp__st32(b + 4, *hdcp_flags);
    COPP_MEMCPY(b + 8, bksv, 5);   /* the receiver's public KSV */
    copp__rec_cb(c, COPP_REC_CB_GET_HDCP_KEY_DATA, b, sizeof b);
    return hr;
}

static int32_t copp__rec_set_signaling(void *user, const copp_signaling *sig)
{
    COPP__REC_C;
    uint8_t b[44];
    uint32_t i;
    int32_t hr = COPP__REC_HW->set_signaling(COPP__REC_HWU, sig);
    copp__st32(b, sig->ActiveTVProtectionStandard);
    for (i = 0; i < 3u; i++) {
        copp__st32(b + 4 + 4 * i, sig->AspectRatioValidMask[i]);
        copp__st32(b + 16 + 4 * i, sig->AspectRatioData[i]);
    }
    copp__st32(b + 28, 0);
    copp__st32(b + 32, 0);
    copp__st32(b + 36, 0);
    copp__st32(b + 40, (uint32_t)hr);
    copp__rec_cb(c, COPP_REC_CB_SET_SIGNALING, b, sizeof b);
    return hr;
}

/* The 21 dwords of a copp_videoparameters, in wire order (84 bytes). */
static void copp__rec_vp(uint8_t *b, const copp_videoparameters *p)
{
#define COPP__X(f, off) copp__st32(b + (off) - 16, p->f);
    COPP__VP_FIELDS(COPP__X)
#undef COPP__X
}

/* vp_get: hr, the structure as copp passed it, then as the op left it. */
static int32_t copp__rec_vp_get(void *user, copp_videoparameters *p)
{
    COPP__REC_C;
    copp_recorder *r = c->desc.recorder;
    uint8_t b[88];
    int32_t hr;
    copp__rec_vp(b + 4, p);
    hr = COPP__REC_HW->vp_get(COPP__REC_HWU, p);
    copp__st32(b, (uint32_t)hr);
    copp__rec_item_head(r, COPP_REC_KIND_CALLBACK, COPP_REC_CB_VP_GET, 4u + 84u + 84u);
    copp__rec_put(r, b, sizeof b);
    copp__rec_vp(b, p);
    copp__rec_put(r, b, 84u);
    return hr;
}

static int32_t copp__rec_vp_set(void *user, const copp_videoparameters *p)
{
    COPP__REC_C;
    uint8_t b[88];
    int32_t hr = COPP__REC_HW->vp_set(COPP__REC_HWU, p);
    copp__rec_vp(b, p);
    copp__st32(b + 84, (uint32_t)hr);
    copp__rec_cb(c, COPP_REC_CB_VP_SET, b, sizeof b);
    return hr;
}

static int copp__rec_randombytes(void *user, uint8_t *buf, size_t len)
{
    COPP__REC_C;
    int rv = COPP__REC_CR->randombytes(COPP__REC_CRU, buf, len);
    copp__rec_cb_rng(c->desc.recorder, buf, len, rv);
    return rv;
}

/* The RSA output is withheld: only its length and the two start sequence
 * numbers (which the next command and status request carry in the clear);
 * kDI only under COPP_RECORDER_KEEP_MAC_KEY. */
static int32_t copp__rec_rsa_decrypt(void *user, const uint8_t sig[256], uint8_t out[256], size_t *out_len)
{
    COPP__REC_C;
    copp_recorder *r = c->desc.recorder;
    uint8_t b[33];
    int32_t hr = COPP__REC_CR->rsa_decrypt(COPP__REC_CRU, sig, out, out_len);
    int whole = hr == COPP_S_OK && *out_len >= COPP_START_SEQUENCE_BYTES && *out_len <= COPP_SIGNATURE_BYTES;
    int key = whole && r != NULL && (r->flags & COPP_RECORDER_KEEP_MAC_KEY);
    COPP_MEMSET(b, 0, sizeof b);
    copp__st32(b, (uint32_t)hr);
    copp__st32(b + 4, *out_len > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)*out_len);
    if (whole) {
        copp__st32(b + 8, copp__ld32(out + 32));
        copp__st32(b + 12, copp__ld32(out + 36));
    }
    b[16] = (uint8_t)key;
    if (key) COPP_MEMCPY(b + 17, out + 16, COPP_KEY_BYTES);   /* DANGEROUS: the MAC key */
    copp__rec_cb(c, COPP_REC_CB_RSA_DECRYPT, b, key ? 33u : 17u);
    copp__wipe(b, sizeof b);
    return hr;
}

static int32_t copp__rec_mac_init(void *user, copp_mac_ctx *ctx, const uint8_t key[16])
{
    COPP__REC_C;
    uint8_t b[4];
    int32_t hr = COPP__REC_CR->mac_init(COPP__REC_CRU, ctx, key);
    copp__st32(b, (uint32_t)hr);   /* the key: never */
    copp__rec_cb(c, COPP_REC_CB_MAC_INIT, b, sizeof b);
    return hr;
}

/* len, zero_tail, hr, kept flag, tag (a command's: withheld at its end
 * when it did not match, copp__rec_end). */
static int32_t copp__rec_mac(void *user, const copp_mac_ctx *ctx, const uint8_t *msg, size_t len,
                             size_t zero_tail, uint8_t tag[16])
{
    COPP__REC_C;
    copp_recorder *r = c->desc.recorder;
    uint8_t b[29];
    int32_t hr = COPP__REC_CR->mac(COPP__REC_CRU, ctx, msg, len, zero_tail, tag);
    copp__st32(b, (uint32_t)len);
    copp__st32(b + 4, (uint32_t)zero_tail);
    copp__st32(b + 8, (uint32_t)hr);
    b[12] = hr == COPP_S_OK;
    if (hr == COPP_S_OK) COPP_MEMCPY(b + 13, tag, COPP_MAC_BYTES);
    else COPP_MEMSET(b + 13, 0, COPP_MAC_BYTES);
    if (r != NULL && r->open && r->call == COPP_CALL_COMMAND) r->tag_at = r->len + COPP_REC_ITEM_HEADER_BYTES + 12u;
    copp__rec_cb(c, COPP_REC_CB_MAC, b, sizeof b);
    copp__wipe(b, sizeof b);
    return hr;
}

/* OAEP (OPM semantics): the decoded message is withheld like the RSA
 * output; only hr and its length. */
static int32_t copp__rec_oaep_decrypt(void *user, const uint8_t ct[256], uint8_t msg[256], size_t *msg_len)
{
    COPP__REC_C;
    uint8_t b[8];
    int32_t hr = COPP__REC_CR->oaep_decrypt(c->rec.user_opm_crypto_user, ct, msg, msg_len);
    copp__st32(b, (uint32_t)hr);
    copp__st32(b + 4, *msg_len > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)*msg_len);
    copp__rec_cb(c, COPP_REC_CB_OAEP_DECRYPT, b, sizeof b);
    return hr;
}

static void copp__rec_mac_release(void *user, copp_mac_ctx *ctx)
{
    COPP__REC_C;
    COPP__REC_CR->mac_release(COPP__REC_CRU, ctx);
    copp__rec_cb(c, COPP_REC_CB_MAC_RELEASE, NULL, 0);
}

/* A re-init given c's own desc: the caller's ops, not c's shims. */
static void copp__rec_unwrap(const copp_connector *c, copp_connector_desc *d)
{
    if (d->hw == &c->rec.hw) { d->hw = c->rec.user_hw; d->hw_user = c->rec.user_hw_user; }
    if (d->crypto == &c->rec.crypto) {
        d->crypto = c->rec.user_crypto;
        d->crypto_user = c->rec.user_crypto_user;
        d->opm_crypto_user = c->rec.user_opm_crypto_user;
    }
}

/* With a recorder, desc.hw and desc.crypto become c's shim tables (an op
 * the caller left NULL stays NULL) and their user pointer c. */
static void copp__rec_install(copp_connector *c)
{
    const copp_hw_ops *hw = c->desc.hw;
    const copp_crypto *cr = c->desc.crypto;
    if (c->desc.recorder == NULL) return;
    c->rec.user_hw = hw;
    c->rec.user_hw_user = c->desc.hw_user;
    c->rec.user_crypto = cr;
    c->rec.user_crypto_user = c->desc.crypto_user;
#define COPP__SHIM(tab, m) c->rec.tab.m = tab->m != NULL ? copp__rec_##m : NULL;
    COPP__SHIM(hw, get_protection_types) COPP__SHIM(hw, set_protection) COPP__SHIM(hw, get_protection)
    COPP__SHIM(hw, check_protection) COPP__SHIM(hw, get_connector_type) COPP__SHIM(hw, get_bus_type)
    COPP__SHIM(hw, get_display_data) COPP__SHIM(hw, get_hdcp_key_data) COPP__SHIM(hw, get_tv_standards)
    COPP__SHIM(hw, set_signaling) COPP__SHIM(hw, vp_get) COPP__SHIM(hw, vp_set)
#undef COPP__SHIM
#define COPP__SHIM(tab, m) c->rec.crypto.m = tab->m != NULL ? copp__rec_##m : NULL;
    COPP__SHIM(cr, randombytes) COPP__SHIM(cr, rsa_decrypt) COPP__SHIM(cr, mac_init) COPP__SHIM(cr, mac)
    COPP__SHIM(cr, mac_release) COPP__SHIM(cr, oaep_decrypt)
#undef COPP__SHIM
    /* the OPM users default to hw_user / crypto_user: resolved before those become c */
    c->rec.user_opm_crypto_user = c->desc.opm_crypto_user != NULL ? c->desc.opm_crypto_user : c->desc.crypto_user;
    if (c->desc.opm_user == NULL) c->desc.opm_user = c->desc.hw_user;   /* the opm hooks: not recorded yet */
    c->desc.hw = &c->rec.hw;
    c->desc.hw_user = c;
    c->desc.crypto = &c->rec.crypto;
    c->desc.crypto_user = c;
    c->desc.opm_crypto_user = c;
}

COPP_API int32_t copp_recorder_export(const copp_recorder *r, uint8_t *out, uint32_t cap, uint32_t *len)
{
    uint32_t need, first, i;
    if (r == NULL || len == NULL) return COPP_E_POINTER;
    need = COPP_TRANSCRIPT_HEADER_BYTES + r->used;
    *len = need;
    if (out == NULL) return COPP_S_OK;
    if (cap < need) return COPP_E_INVALIDARG;
    COPP_MEMSET(out, 0, COPP_TRANSCRIPT_HEADER_BYTES);
    out[0] = 'C'; out[1] = 'P'; out[2] = 'T'; out[3] = 'R';
    out[4] = (uint8_t)COPP_TRANSCRIPT_VERSION;
    out[6] = (uint8_t)COPP_TRANSCRIPT_HEADER_BYTES;
    copp__st32(out + 8, COPP_VERSION_NUMBER);
    copp__st32(out + 12, r->flags);
    copp__st32(out + 16, (uint32_t)COPP_MAX_SESSIONS);
    copp__st32(out + 20, (uint32_t)COPP_MAX_VP_KEYS);
    i = 0;
#ifdef COPP_NO_STDLIB
    i |= 1u;
#endif
#ifdef COPP_NO_STRINGS
    i |= 2u;
#endif
    copp__st32(out + 24, i);
    copp__st32(out + 28, r->protection_types);
    if (r->records == 0) first = r->next_seq;   /* the number of the oldest record held */
    else for (first = 0, i = 0; i < 4u; i++) first |= (uint32_t)r->buf[(r->tail + 4u + i) % r->cap] << (8 * i);
    copp__st32(out + 32, first);
    copp__st32(out + 36, r->dropped);
    first = r->cap - r->tail < r->used ? r->cap - r->tail : r->used;
    if (r->used) {
        COPP_MEMCPY(out + COPP_TRANSCRIPT_HEADER_BYTES, r->buf + r->tail, first);
        if (r->used > first) COPP_MEMCPY(out + COPP_TRANSCRIPT_HEADER_BYTES + first, r->buf, r->used - first);
    }
    return COPP_S_OK;
}
#endif /* COPP_WITH_RECORDER */

/* >>bytes: helpers shared by the optional backends and the app helpers ---- */
#if defined(COPP_WITH_LIBTOM) || defined(COPP_WITH_OPENSSL) || defined(COPP_WITH_BEARSSL)
static void copp__reverse(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) dst[i] = src[n - 1 - i];
}

#if defined(COPP_WITH_LIBTOM) || defined(COPP_WITH_OPENSSL)
static void copp__reverse_inplace(uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n / 2; i++) {
        uint8_t t = b[i];
        b[i] = b[n - 1 - i];
        b[n - 1 - i] = t;
    }
}
#endif

/* >>keys-impl --------------------------------------------------------------- */

COPP_API const char *copp_key_reason_str(uint32_t reason)
{
#ifdef COPP_NO_STRINGS
    (void)reason;
    return "";
#else
    switch (reason) {
#define COPP__X(name, value, hr, text) case value: return text;
    COPP__KEY_REASONS(COPP__X)
#undef COPP__X
    default: return "unknown key reason";
    }
#endif
}

/* Record why a key was refused (or COPP_KEY_OK) and return its HRESULT. */
static int32_t copp__key_result(uint32_t *key_reason, uint32_t reason)
{
    *key_reason = reason;
    switch (reason) {
#define COPP__X(name, value, hr, text) case value: return hr;
    COPP__KEY_REASONS(COPP__X)
#undef COPP__X
    default: return COPP_E_FAIL;
    }
}

/* The start of every *_init_der / *_init_pem: the backend object k zeroed,
 * then the checks made before any library sees the bytes. */
static uint32_t copp__key_begin(void *k, size_t k_size, const void *data, size_t len, uint32_t flags,
                                uint32_t known_flags)
{
    COPP_MEMSET(k, 0, k_size);
    if (data == NULL) return COPP_KEY_NULL_POINTER;
    if (len == 0) return COPP_KEY_EMPTY;   /* libtomcrypt's LTC_ARGCHK aborts on 0 */
    if (len > COPP_KEY_MAX_BYTES) return COPP_KEY_TOO_LONG;
    return (flags & ~known_flags) ? (uint32_t)COPP_KEY_BAD_FLAGS : (uint32_t)COPP_KEY_OK;
}

/* Components: present, non-empty, at most 512 bytes (count: 7 or 8 from n). */
static int copp__key_components_ok(const copp_rsa_private_key *key, int need_d)
{
    const copp_bytes *b[8];
    int i;
    b[0] = &key->n; b[1] = &key->e; b[2] = &key->p; b[3] = &key->q;
    b[4] = &key->dp; b[5] = &key->dq; b[6] = &key->qinv; b[7] = &key->d;
    for (i = 0; i < (need_d ? 8 : 7); i++)
        if (b[i]->p == NULL || b[i]->len == 0 || b[i]->len > 512) return 0;
    return 1;
}

#if defined(COPP_WITH_OPENSSL) || defined(COPP_WITH_BEARSSL)
/* Doubling in GF(2^128), the CMAC subkey step (SP 800-38B 6.1), without a
 * branch on the secret top bit: the CMAC mode of the backends whose library
 * has AES-CBC but no CMAC (OpenSSL's EVP CBC; BearSSL, which has no CMAC). */
static void copp__cmac_dbl(uint8_t out[16], const uint8_t in[16])
{
    uint8_t carry = (uint8_t)(in[0] >> 7);
    int i;
    for (i = 0; i < 15; i++) out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
    out[15] = (uint8_t)(((unsigned)in[15] << 1) ^ (0x87u & (0u - (unsigned)carry)));
}
#endif

#endif

/* >>libtom-impl ------------------------------------------------------------ */
#ifdef COPP_WITH_LIBTOM

/* Store x as exactly len big-endian bytes (left-padded); 0 on success. */
static int copp__mp_to_be(const mp_int *x, uint8_t *out, size_t len)
{
    size_t n = mp_ubin_size(x), written = 0;
    if (n > len) return -1;
    COPP_MEMSET(out, 0, len - n);
    return mp_to_ubin(x, out + (len - n), n, &written) == MP_OKAY ? 0 : -1;
}

/* Zero an mp_int's digits before libtommath frees them. */
static void copp__mp_wipe_clear(mp_int *a)
{
    if (a->dp) copp__wipe(a->dp, (size_t)a->alloc * sizeof(mp_digit));
    mp_clear(a);
}

COPP_API int copp_libtom_randombytes(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    return rng_get_bytes(buf, (unsigned long)len, NULL) == (unsigned long)len ? 0 : -1;
}

#define COPP__LIBTOM_FLAGS (COPP_LIBTOM_RSA_BIG_ENDIAN | COPP_LIBTOM_RSA_PKCS1V15)

/* The CRT private operation m = c^d mod n (c < n) from p, q, dp, dq, qinv:
 * m1 = c^dp mod p, m2 = c^dq mod q, h = qinv (m1 - m2) mod p, m = m2 + h q.
 * m may be c; t1 and t2 are scratch.  Returns MP_OKAY or libtommath's error. */
static mp_err copp__libtom_crt(const copp_libtom *k, const mp_int *c, mp_int *m, mp_int *t1, mp_int *t2)
{
    mp_err err;
    if ((err = mp_exptmod(c, &k->dp, &k->p, t1)) != MP_OKAY || (err = mp_exptmod(c, &k->dq, &k->q, t2)) != MP_OKAY ||
        (err = mp_sub(t1, t2, t1)) != MP_OKAY || (err = mp_mulmod(t1, &k->qinv, &k->p, t1)) != MP_OKAY ||
        (err = mp_mul(t1, &k->q, t1)) != MP_OKAY)
        return err;
    return mp_add(t1, t2, m);
}

/* Is the loaded key one RSA key?  (The checks of copp_libtom_init.)  d may
 * be NULL.  Returns COPP_KEY_OK, _INCONSISTENT or _OUT_OF_MEMORY. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static uint32_t copp__libtom_check(const copp_libtom *k, const copp_bytes *d)
{
    mp_int p1, q1, t, m;
    mp_err err;
    int ok = 0;
    if (mp_init_multi(&p1, &q1, &t, &m, NULL) != MP_OKAY) return COPP_KEY_OUT_OF_MEMORY;
    /* n = p q, both factors > 1 */
    if ((err = mp_mul(&k->p, &k->q, &t)) != MP_OKAY) goto done;
    if (mp_cmp(&t, &k->n) != MP_EQ || mp_cmp_d(&k->p, 1) != MP_GT || mp_cmp_d(&k->q, 1) != MP_GT) goto done;
    /* e dp = 1 mod (p - 1); e dq = 1 mod (q - 1); q qinv = 1 mod p */
    if ((err = mp_sub_d(&k->p, 1, &p1)) != MP_OKAY || (err = mp_mulmod(&k->e, &k->dp, &p1, &t)) != MP_OKAY) goto done;
    if (mp_cmp_d(&t, 1) != MP_EQ) goto done;
    if ((err = mp_sub_d(&k->q, 1, &q1)) != MP_OKAY || (err = mp_mulmod(&k->e, &k->dq, &q1, &t)) != MP_OKAY) goto done;
    if (mp_cmp_d(&t, 1) != MP_EQ) goto done;
    if ((err = mp_mulmod(&k->q, &k->qinv, &k->p, &t)) != MP_OKAY) goto done;
    if (mp_cmp_d(&t, 1) != MP_EQ) goto done;
    /* e d = 1 mod lcm(p - 1, q - 1) */
    if (d != NULL) {
        if ((err = mp_lcm(&p1, &q1, &m)) != MP_OKAY || (err = mp_from_ubin(&t, d->p, d->len)) != MP_OKAY ||
            (err = mp_mulmod(&k->e, &t, &m, &t)) != MP_OKAY)
            goto done;
        if (mp_cmp_d(&t, 1) != MP_EQ) goto done;
    }
    /* a test private operation (the CRT of sequence start) undoes the public
     * one on a fixed value with no structure of its own: m = floor(n / 3) */
    if ((err = mp_div_d(&k->n, 3, &m, NULL)) != MP_OKAY || (err = mp_exptmod(&m, &k->e, &k->n, &t)) != MP_OKAY ||
        (err = copp__libtom_crt(k, &t, &t, &p1, &q1)) != MP_OKAY)
        goto done;
    ok = mp_cmp(&t, &m) == MP_EQ;
done:
    copp__mp_wipe_clear(&p1); copp__mp_wipe_clear(&q1); copp__mp_wipe_clear(&t); copp__mp_wipe_clear(&m);
    if (!ok && err == MP_MEM) return COPP_KEY_OUT_OF_MEMORY;
    return ok ? COPP_KEY_OK : COPP_KEY_INCONSISTENT;
}

/* Components into k (zeroed) and the checks; d is optional. */
static uint32_t copp__libtom_load(copp_libtom *k, const copp_rsa_private_key *key)
{
    mp_int *dst[7];
    const copp_bytes *src[7];
    int i;
    if (!copp__key_components_ok(key, 0) || (key->d.p != NULL && key->d.len > 512)) return COPP_KEY_MISSING_COMPONENT;
    src[0] = &key->n; src[1] = &key->e; src[2] = &key->p; src[3] = &key->q;
    src[4] = &key->dp; src[5] = &key->dq; src[6] = &key->qinv;
    dst[0] = &k->n; dst[1] = &k->e; dst[2] = &k->p; dst[3] = &k->q;
    dst[4] = &k->dp; dst[5] = &k->dq; dst[6] = &k->qinv;
    if (mp_init_multi(&k->n, &k->e, &k->p, &k->q, &k->dp, &k->dq, &k->qinv, NULL) != MP_OKAY)
        return COPP_KEY_OUT_OF_MEMORY;
    for (i = 0; i < 7; i++)
        if (mp_from_ubin(dst[i], src[i]->p, src[i]->len) != MP_OKAY) return COPP_KEY_OUT_OF_MEMORY;
    if (mp_count_bits(&k->n) != 2048) return COPP_KEY_NOT_2048_BITS;
    if (!mp_isodd(&k->e) || mp_count_bits(&k->e) > 32 || mp_cmp_d(&k->e, 3) == MP_LT) return COPP_KEY_BAD_EXPONENT;
    return copp__libtom_check(k, (key->d.p != NULL && key->d.len != 0) ? &key->d : NULL);
}

/* The end of every keyed init: the AES descriptor, or undo everything. */
static int32_t copp__libtom_finish(copp_libtom *k, uint32_t why, int (*rng)(void *user, uint8_t *buf, size_t len),
                                   void *rng_user, uint32_t flags)
{
    if (why == COPP_KEY_OK) {
        k->aes = register_cipher(&aes_desc);   /* idempotent: returns the existing slot */
        if (k->aes < 0) why = COPP_KEY_LIBRARY_FAILED;
    }
    if (why != COPP_KEY_OK) {
        copp_libtom_free(k);
        COPP_MEMSET(k, 0, sizeof *k);
    } else {
        k->randombytes = rng ? rng : copp_libtom_randombytes;
        k->rng_user = rng_user;
        k->flags = flags;
        k->keyed = 1;
    }
    return copp__key_result(&k->key_reason, why);
}

COPP_API int32_t copp_libtom_init(copp_libtom *k, const copp_rsa_private_key *key,
                                  int (*rng)(void *user, uint8_t *buf, size_t len),
                                  void *rng_user, uint32_t flags)
{
    if (k == NULL) return COPP_E_POINTER;
    COPP_MEMSET(k, 0, sizeof *k);
    if (key == NULL) return copp__key_result(&k->key_reason, COPP_KEY_NULL_POINTER);
    if (flags & ~COPP__LIBTOM_FLAGS) return copp__key_result(&k->key_reason, COPP_KEY_BAD_FLAGS);
    return copp__libtom_finish(k, copp__libtom_load(k, key), rng, rng_user, flags);
}

/* libtomcrypt's math descriptor for libtommath (declared by tomcrypt.h only
 * under LTM_DESC; this declaration matches it). */
extern const ltc_math_descriptor ltm_desc;

/* Longest input copp__libtom_is_encrypted decodes.  libtomcrypt 1.18's
 * flexi decoder recurses once per nesting level (about 130 bytes of stack
 * each, no depth limit), so 8 KB of nested SEQUENCE headers took some 260 KB
 * of stack and crashed threads with smaller stacks (musl's default is
 * 128 KB); 2048 bytes bound it to about 70 KB.  An encrypted RSA-2048
 * PKCS #8 key is about 1.3 KB. */
#define COPP__LIBTOM_ENCRYPTED_MAX 2048u

/* An EncryptedPrivateKeyInfo (PKCS #8): SEQUENCE { AlgorithmIdentifier
 * SEQUENCE { OID, ... }, OCTET STRING }, as libtomcrypt's flexi decoder sees
 * it, of at most COPP__LIBTOM_ENCRYPTED_MAX bytes.  Asked only of input that
 * neither import accepted, so the decoded tree holds no plaintext key. */
static int copp__libtom_is_encrypted(const uint8_t *der, size_t len)
{
    ltc_asn1_list *l = NULL;
    unsigned long used = (unsigned long)len;
    int enc = 0;
    if (len > COPP__LIBTOM_ENCRYPTED_MAX) return 0;
    if (der_decode_sequence_flexi(der, &used, &l) != CRYPT_OK || l == NULL) return 0;
    if (l->type == LTC_ASN1_SEQUENCE && l->child != NULL) {
        const ltc_asn1_list *alg = l->child, *data = alg->next;
        enc = alg->type == LTC_ASN1_SEQUENCE && alg->child != NULL && alg->child->type == LTC_ASN1_OBJECT_IDENTIFIER &&
              data != NULL && data->type == LTC_ASN1_OCTET_STRING && data->next == NULL;
    }
    der_free_sequence_flexi(l);
    return enc;
}

/* An imported rsa_key's components as big-endian bytes in k->work (unused
 * at init; through the math descriptor, whichever it is), then
 * copp__libtom_load. */
static uint32_t copp__libtom_from_ltc(copp_libtom *k, const rsa_key *rk)
{
    void *const parts[8] = { rk->N, rk->e, rk->d, rk->p, rk->q, rk->dP, rk->dQ, rk->qP };
    uint8_t *scratch = (uint8_t *)(void *)&k->work;
    copp_rsa_private_key key;
    copp_bytes *dst[8];
    size_t off = 0;
    int i;
    dst[0] = &key.n; dst[1] = &key.e; dst[2] = &key.d; dst[3] = &key.p;
    dst[4] = &key.q; dst[5] = &key.dp; dst[6] = &key.dq; dst[7] = &key.qinv;
    for (i = 0; i < 8; i++) {
        unsigned long n = ltc_mp.unsigned_size(parts[i]);
        if (n == 0 || n > 512 || off + n > sizeof k->work) return COPP_KEY_MISSING_COMPONENT;
        if (ltc_mp.unsigned_write(parts[i], scratch + off) != CRYPT_OK) return COPP_KEY_LIBRARY_FAILED;
        dst[i]->p = scratch + off;
        dst[i]->len = (size_t)n;
        off += (size_t)n;
    }
    return copp__libtom_load(k, &key);
}

/* DER (PKCS #1, then PKCS #8) through libtomcrypt into k (zeroed). */
static uint32_t copp__libtom_load_der(copp_libtom *k, const uint8_t *der, size_t len)
{
    rsa_key rk;
    uint32_t why;
    int err;
    if (ltc_mp.name == NULL) ltc_mp = ltm_desc;   /* rsa_import needs a math descriptor */
    err = rsa_import(der, (unsigned long)len, &rk);   /* RSAPrivateKey, or a public key */
    if (err != CRYPT_OK && err != CRYPT_MEM) err = rsa_import_pkcs8(der, (unsigned long)len, NULL, 0, &rk);
    if (err == CRYPT_MEM) return COPP_KEY_OUT_OF_MEMORY;
    if (err != CRYPT_OK) return copp__libtom_is_encrypted(der, len) ? COPP_KEY_ENCRYPTED : COPP_KEY_NOT_PRIVATE_KEY;
    why = rk.type == PK_PRIVATE ? copp__libtom_from_ltc(k, &rk) : (uint32_t)COPP_KEY_NOT_PRIVATE_KEY;
    rsa_free(&rk);   /* libtommath zeroes digits as it frees them */
    copp__wipe(&k->work, sizeof k->work);
    return why;
}

COPP_API int32_t copp_libtom_init_der(copp_libtom *k, const uint8_t *der, size_t len,
                                      int (*rng)(void *user, uint8_t *buf, size_t len),
                                      void *rng_user, uint32_t flags)
{
    uint32_t why;
    if (k == NULL) return COPP_E_POINTER;
    why = copp__key_begin(k, sizeof *k, der, len, flags, COPP__LIBTOM_FLAGS);
    if (why != COPP_KEY_OK) return copp__key_result(&k->key_reason, why);
    return copp__libtom_finish(k, copp__libtom_load_der(k, der, len), rng, rng_user, flags);
}

/* Does text[0..len) start with the NUL-free string s? */
static int copp__starts(const char *text, size_t len, const char *s)
{
    size_t i;
    for (i = 0; s[i] != 0; i++)
        if (i >= len || text[i] != s[i]) return 0;
    return 1;
}

/* The first PEM block of pem (RFC 7468): its label must be RSA PRIVATE KEY
 * or PRIVATE KEY; the body's lines are decoded with libtomcrypt's strict
 * base64 into k->msg.  *der_len receives the DER length. */
static uint32_t copp__libtom_pem_body(copp_libtom *k, const char *pem, size_t len, size_t *der_len)
{
    static const char begin[] = "-----BEGIN ", dashes[] = "-----";
    size_t pos = 0, label = 0, label_len = 0, out = 0;
    int found = 0;
    /* the BEGIN line, at the start of a line */
    for (pos = 0; pos < len; pos++) {
        if ((pos == 0 || pem[pos - 1] == '\n') && copp__starts(pem + pos, len - pos, begin)) {
            found = 1;
            break;
        }
    }
    if (!found) return COPP_KEY_NOT_PEM;
    label = pos + sizeof begin - 1;
    while (label + label_len < len && pem[label + label_len] != '-' && pem[label + label_len] != '\n') label_len++;
    if (!copp__starts(pem + label + label_len, len - label - label_len, dashes)) return COPP_KEY_NOT_PEM;
    pos = label + label_len + sizeof dashes - 1;
    while (pos < len && pem[pos] != '\n') pos++;
    if (label_len == 21 && copp__starts(pem + label, label_len, "ENCRYPTED PRIVATE KEY")) return COPP_KEY_ENCRYPTED;
    if (!(label_len == 15 && copp__starts(pem + label, label_len, "RSA PRIVATE KEY")) &&
        !(label_len == 11 && copp__starts(pem + label, label_len, "PRIVATE KEY")))
        return COPP_KEY_NOT_PRIVATE_KEY;
    /* body lines up to "-----END <label>-----" */
    while (pos < len) {
        size_t start = ++pos, end, trim;
        while (pos < len && pem[pos] != '\n') pos++;
        end = pos;
        trim = end;
        while (trim > start && (pem[trim - 1] == '\r' || pem[trim - 1] == ' ' || pem[trim - 1] == '\t')) trim--;
        if (copp__starts(pem + start, trim - start, "-----END ")) {
            size_t l = start + 9, j;
            if (trim - l != label_len + 5 || !copp__starts(pem + l + label_len, 5, dashes)) return COPP_KEY_NOT_PEM;
            for (j = 0; j < label_len; j++)
                if (pem[l + j] != pem[label + j]) return COPP_KEY_NOT_PEM;
            if (out == 0) return COPP_KEY_BAD_BASE64;
            *der_len = out;
            return COPP_KEY_OK;
        }
        if (trim == start) continue;
        if (copp__starts(pem + start, trim - start, "Proc-Type:")) return COPP_KEY_ENCRYPTED;   /* RFC 1421 headers */
        {
            unsigned long n = (unsigned long)(sizeof k->msg - out);
            int err;
            if ((trim - start) % 4 != 0) return COPP_KEY_BAD_BASE64;
            err = base64_strict_decode((const unsigned char *)pem + start, (unsigned long)(trim - start), k->msg + out, &n);
            if (err == CRYPT_BUFFER_OVERFLOW) return COPP_KEY_TOO_LONG;
            if (err != CRYPT_OK) return COPP_KEY_BAD_BASE64;
            out += (size_t)n;
        }
    }
    return COPP_KEY_NOT_PEM;
}

COPP_API int32_t copp_libtom_init_pem(copp_libtom *k, const char *pem, size_t len,
                                      int (*rng)(void *user, uint8_t *buf, size_t len),
                                      void *rng_user, uint32_t flags)
{
    size_t der_len = 0;
    uint32_t why;
    if (k == NULL) return COPP_E_POINTER;
    why = copp__key_begin(k, sizeof *k, pem, len, flags, COPP__LIBTOM_FLAGS);
    if (why == COPP_KEY_OK) why = copp__libtom_pem_body(k, pem, len, &der_len);
    if (why == COPP_KEY_OK) why = copp__libtom_load_der(k, k->msg, der_len);   /* the DER is in k->msg */
    copp__wipe(k->msg, sizeof k->msg);
    if (why != COPP_KEY_OK) {
        copp_libtom_free(k);
        COPP_MEMSET(k, 0, sizeof *k);
        return copp__key_result(&k->key_reason, why);
    }
    return copp__libtom_finish(k, why, rng, rng_user, flags);
}

COPP_API int32_t copp_libtom_init_mac(copp_libtom *k)
{
    if (k == NULL) return COPP_E_POINTER;
    COPP_MEMSET(k, 0, sizeof *k);
    k->randombytes = copp_libtom_randombytes;
    k->aes = register_cipher(&aes_desc);
    return copp__key_result(&k->key_reason, k->aes < 0 ? COPP_KEY_LIBRARY_FAILED : COPP_KEY_OK);
}

COPP_API int32_t copp_libtom_public_key(const copp_libtom *k, uint8_t n[256], uint8_t e[4], size_t *e_len)
{
    size_t w = 0;
    if (k == NULL || n == NULL || e == NULL || e_len == NULL) return COPP_E_POINTER;
    if (!k->keyed) return COPP_E_UNEXPECTED;
    if (copp__mp_to_be(&k->n, n, 256) != 0) return COPP_E_FAIL;
    if (mp_to_ubin(&k->e, e, 4, &w) != MP_OKAY) return COPP_E_FAIL;
    *e_len = w;
    return COPP_S_OK;
}

COPP_API void copp_libtom_free(copp_libtom *k)
{
    if (k == NULL) return;
    copp__mp_wipe_clear(&k->n); copp__mp_wipe_clear(&k->e); copp__mp_wipe_clear(&k->p);
    copp__mp_wipe_clear(&k->q); copp__mp_wipe_clear(&k->dp); copp__mp_wipe_clear(&k->dq);
    copp__mp_wipe_clear(&k->qinv);
    copp__wipe(&k->work, sizeof k->work);
    copp__wipe(k->msg, sizeof k->msg);
    k->keyed = 0;
}

/* RSADP with CRT and blinding, in place on 256 big-endian bytes: m = c^d mod n,
 * computed as (c r^e)^d r^-1 with r from the RNG hook, and checked with
 * m^e == c against CRT faults.  Raw, no padding (spec 10.3: COPP is not OAEP).
 * Returns COPP_S_OK, COPP_E_UNEXPECTED for c >= n, COPP_E_FAIL otherwise. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))   /* keep its frame apart from the caller's buffer */
#endif
static int32_t copp__libtom_rsadp(copp_libtom *k, uint8_t buf[256])
{
    uint8_t chunk[32];
    mp_int c, r, rinv, m1, m2, h, m;
    int32_t hr = COPP_E_FAIL;
    int tries, i;
    if (mp_init_multi(&c, &r, &rinv, &m1, &m2, &h, &m, NULL) != MP_OKAY) return COPP_E_OUTOFMEMORY;
    if (mp_from_ubin(&c, buf, 256) != MP_OKAY) goto done;
    if (mp_cmp(&c, &k->n) != MP_LT) { hr = COPP_E_UNEXPECTED; goto done; }
    /* Blinding factor r in [2, n-1], invertible mod n: 2048 random bits,
     * read 256 at a time, reduced mod n. */
    for (tries = 0; ; tries++) {
        if (tries == 8) goto done;
        mp_zero(&r);
        for (i = 0; i < 8; i++) {
            if (k->randombytes(k->rng_user, chunk, sizeof chunk) != 0) goto done;
            if (mp_mul_2d(&r, 256, &r) != MP_OKAY || mp_from_ubin(&h, chunk, sizeof chunk) != MP_OKAY ||
                mp_add(&r, &h, &r) != MP_OKAY)
                goto done;
        }
        if (mp_mod(&r, &k->n, &r) != MP_OKAY) goto done;
        if (mp_cmp_d(&r, 1) == MP_GT && mp_invmod(&r, &k->n, &rinv) == MP_OKAY) break;
    }
    if (mp_exptmod(&r, &k->e, &k->n, &h) != MP_OKAY || mp_mulmod(&c, &h, &k->n, &m) != MP_OKAY) goto done;
    if (copp__libtom_crt(k, &m, &m, &m1, &m2) != MP_OKAY || mp_mulmod(&m, &rinv, &k->n, &m) != MP_OKAY) goto done;
    if (mp_exptmod(&m, &k->e, &k->n, &h) != MP_OKAY || mp_cmp(&h, &c) != MP_EQ) goto done;
    if (copp__mp_to_be(&m, buf, 256) != 0) goto done;
    hr = COPP_S_OK;
done:
    copp__wipe(chunk, sizeof chunk);
    copp__mp_wipe_clear(&c); copp__mp_wipe_clear(&r); copp__mp_wipe_clear(&rinv);
    copp__mp_wipe_clear(&m1); copp__mp_wipe_clear(&m2); copp__mp_wipe_clear(&h);
    copp__mp_wipe_clear(&m);
    return hr;
}

/* The backend's rsa_decrypt: byte order and (optional) padding around RSADP;
 * `out` is the working buffer. */
static int32_t copp__libtom_rsa(void *user, const uint8_t sig[256], uint8_t out[256], size_t *out_len)
{
    copp_libtom *k = (copp_libtom *)user;
    int32_t hr;
    if (!k->keyed) return COPP_E_FAIL;   /* copp_libtom_init_mac: no key */
    if (k->flags & COPP_LIBTOM_RSA_BIG_ENDIAN) COPP_MEMCPY(out, sig, 256);
    else copp__reverse(out, sig, 256);   /* CryptoAPI: little-endian integer */
    hr = copp__libtom_rsadp(k, out);
    if (hr != COPP_S_OK) {
        copp__wipe(out, 256);
        return hr;
    }
    if (k->flags & COPP_LIBTOM_RSA_PKCS1V15) {
        uint8_t em[256];
        unsigned long mlen = 256;
        int valid = 0;
        COPP_MEMCPY(em, out, 256);
        if (pkcs_1_v1_5_decode(em, 256, LTC_PKCS_1_EME, 2048, out, &mlen, &valid) != CRYPT_OK || !valid)
            hr = COPP_E_UNEXPECTED;
        copp__wipe(em, sizeof em);
        *out_len = (size_t)mlen;
    } else {
        copp__reverse_inplace(out, 256);   /* plaintext as little-endian bytes */
        *out_len = 256;
    }
    return hr;
}

typedef char copp__omac_fits[(sizeof(omac_state) <= COPP_MAC_CTX_BYTES) ? 1 : -1];

/* Key the session's CMAC once: the omac_state right after omac_init is kept
 * as a template and copied for every message (no key schedule per message). */
static int32_t copp__libtom_mac_init(void *user, copp_mac_ctx *ctx, const uint8_t key[16])
{
    copp_libtom *k = (copp_libtom *)user;
    return omac_init((omac_state *)(void *)ctx->bytes, k->aes, key, 16) == CRYPT_OK ? COPP_S_OK : COPP_E_FAIL;
}

static int32_t copp__libtom_mac(void *user, const copp_mac_ctx *ctx, const uint8_t *msg, size_t len,
                                size_t zero_tail, uint8_t tag[16])
{
    static const uint8_t zeros[1024] = { 0 };
    copp_libtom *k = (copp_libtom *)user;
    unsigned long taglen = 16;
    int err;
    COPP_MEMCPY(&k->work, ctx->bytes, sizeof k->work);
    if (zero_tail && len + zero_tail <= sizeof k->msg) {
        COPP_MEMCPY(k->msg, msg, len);
        COPP_MEMSET(k->msg + len, 0, zero_tail);
        msg = k->msg;
        len += zero_tail;
        zero_tail = 0;
    }
    err = len ? omac_process(&k->work, msg, (unsigned long)len) : CRYPT_OK;
    while (err == CRYPT_OK && zero_tail) {
        size_t n = zero_tail < sizeof zeros ? zero_tail : sizeof zeros;
        err = omac_process(&k->work, zeros, (unsigned long)n);
        zero_tail -= n;
    }
    if (err == CRYPT_OK) err = omac_done(&k->work, tag, &taglen);
    copp__wipe(&k->work, sizeof k->work);
    return (err == CRYPT_OK && taglen == 16) ? COPP_S_OK : COPP_E_FAIL;
}

static int copp__libtom_rng(void *user, uint8_t *buf, size_t len)
{
    copp_libtom *k = (copp_libtom *)user;
    return k->randombytes(k->rng_user, buf, len);
}

COPP_API const copp_crypto *copp_libtom_crypto(void)
{
    static const copp_crypto table = {
        copp__libtom_rng, copp__libtom_rsa, copp__libtom_mac_init, copp__libtom_mac, NULL, NULL
    };
    return &table;
}
#endif /* COPP_WITH_LIBTOM */

/* >>openssl-impl ----------------------------------------------------------- */
#ifdef COPP_WITH_OPENSSL
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

COPP_API int copp_openssl_randombytes(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    if (len > 0x7FFFFFFFu) return -1;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

COPP_API void copp_openssl_free(copp_openssl *k)
{
    if (k == NULL) return;
    EVP_PKEY_CTX_free(k->dec);
    EVP_PKEY_free(k->pkey);
    BN_clear_free(k->n);
    EVP_CIPHER_free(k->aes_cbc);
    k->aes_cbc = NULL;
    k->dec = NULL;
    k->pkey = NULL;
    k->n = NULL;
    copp__wipe(k->scratch, sizeof k->scratch);
}

/* Validate k->pkey (the checks of copp_openssl_init) and make k ready:
 * the raw-decryption context, n, the cipher.  Returns COPP_KEY_*. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static uint32_t copp__openssl_adopt(copp_openssl *k)
{
    static const char *const parts[6] = {
        OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1
    };
    uint8_t *m = k->scratch, *c = k->scratch + 256, *back = k->scratch + 512;
    size_t clen = 256, blen = 256;
    BIGNUM *b = NULL;
    EVP_PKEY_CTX *pub = NULL;
    uint32_t why = COPP_KEY_OK;
    int i;
    if (!EVP_PKEY_is_a(k->pkey, "RSA")) return COPP_KEY_NOT_PRIVATE_KEY;
    if (EVP_PKEY_get_bits(k->pkey) != 2048) return COPP_KEY_NOT_2048_BITS;
    for (i = 0; i < 6; i++) {
        if (EVP_PKEY_get_bn_param(k->pkey, parts[i], &b) != 1) return COPP_KEY_MISSING_COMPONENT;
        if (BN_is_zero(b)) why = COPP_KEY_MISSING_COMPONENT;
        BN_clear_free(b);
        b = NULL;
        if (why != COPP_KEY_OK) return why;
    }
    if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &b) != 1) return COPP_KEY_MISSING_COMPONENT;
    if (!BN_is_odd(b) || BN_num_bits(b) < 2 || BN_num_bits(b) > 32) why = COPP_KEY_BAD_EXPONENT;
    BN_free(b);
    if (why != COPP_KEY_OK) return why;
    if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &k->n) != 1) return COPP_KEY_OUT_OF_MEMORY;
    k->dec = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    pub = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
    b = BN_dup(k->n);
    if (k->dec == NULL || pub == NULL || b == NULL) { why = COPP_KEY_OUT_OF_MEMORY; goto done; }
    if (EVP_PKEY_decrypt_init(k->dec) != 1 || EVP_PKEY_CTX_set_rsa_padding(k->dec, RSA_NO_PADDING) != 1 ||
        EVP_PKEY_encrypt_init(pub) != 1 || EVP_PKEY_CTX_set_rsa_padding(pub, RSA_NO_PADDING) != 1) {
        why = COPP_KEY_LIBRARY_FAILED;
        goto done;
    }
    /* OpenSSL's key-pair check: primes, n = p q, d, dp, dq, qinv */
    if (EVP_PKEY_pairwise_check(pub) != 1) { why = COPP_KEY_INCONSISTENT; goto done; }
    /* a test private operation (the one sequence start uses) undoes the
     * public one on a fixed value: m = floor(n / 3) */
    if (BN_div_word(b, 3) == (BN_ULONG)-1 || BN_bn2binpad(b, m, 256) != 256) { why = COPP_KEY_LIBRARY_FAILED; goto done; }
    if (EVP_PKEY_encrypt(pub, c, &clen, m, 256) != 1 || clen != 256 ||
        EVP_PKEY_decrypt(k->dec, back, &blen, c, 256) != 1 || blen != 256 || CRYPTO_memcmp(back, m, 256) != 0) {
        why = COPP_KEY_INCONSISTENT;
        goto done;
    }
    k->aes_cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
    if (k->aes_cbc == NULL) why = COPP_KEY_LIBRARY_FAILED;
done:
    BN_free(b);
    EVP_PKEY_CTX_free(pub);
    copp__wipe(k->scratch, 768);
    return why;
}

/* The end of every keyed init: keep the key, or undo everything. */
static int32_t copp__openssl_finish(copp_openssl *k, uint32_t why, int (*rng)(void *user, uint8_t *buf, size_t len),
                                    void *rng_user, uint32_t flags)
{
    if (why == COPP_KEY_OK) why = copp__openssl_adopt(k);
    if (why != COPP_KEY_OK) {
        copp_openssl_free(k);
        COPP_MEMSET(k, 0, sizeof *k);
    } else {
        k->randombytes = rng ? rng : copp_openssl_randombytes;
        k->rng_user = rng_user;
        k->flags = flags;
    }
    return copp__key_result(&k->key_reason, why);
}

/* Components into k->pkey (OSSL_PARAM_BLD, EVP_PKEY_fromdata).  Returns COPP_KEY_*. */
static uint32_t copp__openssl_fromdata(copp_openssl *k, const copp_rsa_private_key *key)
{
    static const char *const names[8] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1
    };
    const copp_bytes *src[8];
    BIGNUM *bn[8] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pc = NULL;
    uint32_t why = COPP_KEY_OUT_OF_MEMORY;
    int i;
    if (!copp__key_components_ok(key, 1)) return COPP_KEY_MISSING_COMPONENT;
    src[0] = &key->n; src[1] = &key->e; src[2] = &key->d; src[3] = &key->p;
    src[4] = &key->q; src[5] = &key->dp; src[6] = &key->dq; src[7] = &key->qinv;
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) goto done;
    for (i = 0; i < 8; i++) {
        bn[i] = BN_bin2bn(src[i]->p, (int)src[i]->len, NULL);
        if (bn[i] == NULL || OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]) != 1) goto done;
    }
    if (BN_num_bits(bn[0]) != 2048) { why = COPP_KEY_NOT_2048_BITS; goto done; }
    params = OSSL_PARAM_BLD_to_param(bld);
    pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (params == NULL || pc == NULL) goto done;
    why = (EVP_PKEY_fromdata_init(pc) == 1 && EVP_PKEY_fromdata(pc, &k->pkey, EVP_PKEY_KEYPAIR, params) == 1)
              ? COPP_KEY_OK : COPP_KEY_INCONSISTENT;
done:
    for (i = 0; i < 8; i++) BN_clear_free(bn[i]);
    OSSL_PARAM_free(params);   /* 3.0 has no clear_free; the BIGNUMs above are cleared */
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(pc);
    return why;
}

COPP_API int32_t copp_openssl_init(copp_openssl *k, const copp_rsa_private_key *key,
                                   int (*rng)(void *user, uint8_t *buf, size_t len),
                                   void *rng_user, uint32_t flags)
{
    if (k == NULL) return COPP_E_POINTER;
    COPP_MEMSET(k, 0, sizeof *k);
    if (key == NULL) return copp__key_result(&k->key_reason, COPP_KEY_NULL_POINTER);
    if (flags & ~COPP_OPENSSL_RSA_BIG_ENDIAN) return copp__key_result(&k->key_reason, COPP_KEY_BAD_FLAGS);
    return copp__openssl_finish(k, copp__openssl_fromdata(k, key), rng, rng_user, flags);
}

/* The decoder's passphrase callback: decline, so an encrypted key is
 * refused and never prompted for, and note that one was asked for. */
static int copp__openssl_no_passphrase(char *pass, size_t pass_size, size_t *pass_len, const OSSL_PARAM params[],
                                       void *asked)
{
    (void)pass; (void)pass_size; (void)params;
    *pass_len = 0;
    *(int *)asked = 1;
    return 0;
}

/* DER or PEM ("DER" / "PEM") through OpenSSL's decoders into k->pkey. */
static uint32_t copp__openssl_decode(copp_openssl *k, const void *data, size_t len, const char *type)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t left = len;
    int asked = 0, ok;
    OSSL_DECODER_CTX *dc = OSSL_DECODER_CTX_new_for_pkey(&k->pkey, type, NULL, "RSA", EVP_PKEY_KEYPAIR, NULL, NULL);
    if (dc == NULL) return COPP_KEY_LIBRARY_FAILED;
    ok = OSSL_DECODER_CTX_set_passphrase_cb(dc, copp__openssl_no_passphrase, &asked) == 1 &&
         OSSL_DECODER_from_data(dc, &p, &left) == 1 && k->pkey != NULL;
    OSSL_DECODER_CTX_free(dc);
    if (ok) return COPP_KEY_OK;
    return asked ? COPP_KEY_ENCRYPTED : COPP_KEY_NOT_PRIVATE_KEY;
}

static int32_t copp__openssl_init_encoded(copp_openssl *k, const void *data, size_t len, const char *type,
                                          int (*rng)(void *user, uint8_t *buf, size_t len), void *rng_user,
                                          uint32_t flags)
{
    uint32_t why;
    if (k == NULL) return COPP_E_POINTER;
    why = copp__key_begin(k, sizeof *k, data, len, flags, COPP_OPENSSL_RSA_BIG_ENDIAN);
    if (why != COPP_KEY_OK) return copp__key_result(&k->key_reason, why);
    return copp__openssl_finish(k, copp__openssl_decode(k, data, len, type), rng, rng_user, flags);
}

COPP_API int32_t copp_openssl_init_der(copp_openssl *k, const uint8_t *der, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags)
{
    return copp__openssl_init_encoded(k, der, len, "DER", rng, rng_user, flags);
}

COPP_API int32_t copp_openssl_init_pem(copp_openssl *k, const char *pem, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags)
{
    return copp__openssl_init_encoded(k, pem, len, "PEM", rng, rng_user, flags);
}

COPP_API int32_t copp_openssl_init_mac(copp_openssl *k)
{
    if (k == NULL) return COPP_E_POINTER;
    COPP_MEMSET(k, 0, sizeof *k);
    k->randombytes = copp_openssl_randombytes;
    k->aes_cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
    return copp__key_result(&k->key_reason, k->aes_cbc == NULL ? COPP_KEY_LIBRARY_FAILED : COPP_KEY_OK);
}

COPP_API int32_t copp_openssl_public_key(const copp_openssl *k, uint8_t n[256], uint8_t e[4], size_t *e_len)
{
    BIGNUM *b = NULL;
    int32_t hr = COPP_E_FAIL;
    if (k == NULL || n == NULL || e == NULL || e_len == NULL) return COPP_E_POINTER;
    if (k->pkey == NULL || k->n == NULL) return COPP_E_UNEXPECTED;
    if (BN_bn2binpad(k->n, n, 256) == 256 && EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &b) == 1 &&
        BN_num_bytes(b) <= 4) {
        *e_len = (size_t)BN_bn2bin(b, e);
        hr = COPP_S_OK;
    }
    BN_free(b);
    return hr;
}

/* Raw RSA private operation (RSA_NO_PADDING, OpenSSL blinds it); c >= n is
 * refused here so that it maps to E_UNEXPECTED.  scratch holds the
 * big-endian ciphertext (EVP_PKEY_decrypt's in and out must not alias). */
static int32_t copp__openssl_rsa(void *user, const uint8_t sig[256], uint8_t out[256], size_t *out_len)
{
    copp_openssl *k = (copp_openssl *)user;
    size_t outlen = 256;
    int32_t hr = COPP_E_FAIL;
    BIGNUM *c;
    if (k->dec == NULL) return COPP_E_FAIL;   /* copp_openssl_init_mac: no key */
    if (k->flags & COPP_OPENSSL_RSA_BIG_ENDIAN) COPP_MEMCPY(k->scratch, sig, 256);
    else copp__reverse(k->scratch, sig, 256);
    c = BN_bin2bn(k->scratch, 256, NULL);
    if (c == NULL) return COPP_E_OUTOFMEMORY;
    if (BN_cmp(c, k->n) >= 0) {
        hr = COPP_E_UNEXPECTED;
    } else if (EVP_PKEY_decrypt(k->dec, out, &outlen, k->scratch, 256) == 1 && outlen == 256) {
        copp__reverse_inplace(out, 256);
        *out_len = 256;
        hr = COPP_S_OK;
    }
    BN_free(c);
    copp__wipe(k->scratch, 256);
    return hr;
}

/* The session's CMAC state inside copp_mac_ctx. */
typedef struct copp__ossl_mac {
    EVP_CIPHER_CTX *cbc;   /* AES-128-CBC under kDI, no padding */
    uint8_t k1[16], k2[16];
} copp__ossl_mac;

typedef char copp__ossl_mac_fits[(sizeof(copp__ossl_mac) <= COPP_MAC_CTX_BYTES) ? 1 : -1];

static int32_t copp__openssl_mac_init(void *user, copp_mac_ctx *ctx, const uint8_t key[16])
{
    static const uint8_t zero[16] = { 0 };
    copp_openssl *k = (copp_openssl *)user;
    copp__ossl_mac *m = (copp__ossl_mac *)(void *)ctx->bytes;
    uint8_t L[16];
    int n = 0;
    m->cbc = EVP_CIPHER_CTX_new();
    if (m->cbc == NULL) return COPP_E_OUTOFMEMORY;
    /* L = AES_K(0^128): one CBC block under a zero IV */
    if (EVP_EncryptInit_ex(m->cbc, k->aes_cbc, NULL, key, zero) != 1 ||
        EVP_CIPHER_CTX_set_padding(m->cbc, 0) != 1 || EVP_EncryptUpdate(m->cbc, L, &n, zero, 16) != 1 || n != 16) {
        EVP_CIPHER_CTX_free(m->cbc);
        m->cbc = NULL;
        copp__wipe(L, sizeof L);
        return COPP_E_FAIL;
    }
    copp__cmac_dbl(m->k1, L);
    copp__cmac_dbl(m->k2, m->k1);
    copp__wipe(L, sizeof L);
    return COPP_S_OK;
}

/* CMAC of msg | zeros: CBC over every block but the last, then the last
 * block XOR K1 (complete) or padded XOR K2; the final CBC block is the tag. */
static int32_t copp__openssl_mac(void *user, const copp_mac_ctx *ctx, const uint8_t *msg, size_t len,
                                 size_t zero_tail, uint8_t tag[16])
{
    static const uint8_t zeros[1024] = { 0 };
    static const uint8_t iv0[16] = { 0 };
    copp_openssl *k = (copp_openssl *)user;
    const copp__ossl_mac *m = (const copp__ossl_mac *)(const void *)ctx->bytes;
    size_t total = len + zero_tail, head = total ? ((total - 1) / 16) * 16 : 0, fed = 0, i;
    uint8_t last[16];
    int n = 0, ok;
    /* a new message: IV back to zero, the key schedule is kept */
    ok = EVP_EncryptInit_ex(m->cbc, NULL, NULL, NULL, iv0) == 1;
    while (ok && fed < head) {
        size_t chunk = head - fed;
        const uint8_t *src;
        if (fed < len) {
            src = msg + fed;
            if (chunk > len - fed) chunk = len - fed;
        } else {
            src = zeros;
            if (chunk > sizeof zeros) chunk = sizeof zeros;
        }
        if (chunk > 4096) chunk = 4096;
        ok = EVP_EncryptUpdate(m->cbc, k->scratch, &n, src, (int)chunk) == 1;
        fed += chunk;
    }
    for (i = 0; i < 16; i++) {
        size_t pos = head + i;
        last[i] = (uint8_t)(pos < len ? msg[pos] : 0);
    }
    if (total - head == 16) {
        for (i = 0; i < 16; i++) last[i] ^= m->k1[i];
    } else {
        last[total - head] = 0x80;   /* 10* padding; the rest is already 0 */
        for (i = 0; i < 16; i++) last[i] ^= m->k2[i];
    }
    ok = ok && EVP_EncryptUpdate(m->cbc, k->scratch, &n, last, 16) == 1 && n == 16;
    if (ok) COPP_MEMCPY(tag, k->scratch, 16);
    /* the tag is not left behind: the backend object's copy is wiped, and
     * the context's CBC chaining value (which equals the tag) goes back to 0 */
    copp__wipe(k->scratch, 16);
    copp__wipe(last, sizeof last);
    if (EVP_EncryptInit_ex(m->cbc, NULL, NULL, NULL, iv0) != 1) ok = 0;
    return ok ? COPP_S_OK : COPP_E_FAIL;
}

static void copp__openssl_mac_release(void *user, copp_mac_ctx *ctx)
{
    copp__ossl_mac *m = (copp__ossl_mac *)(void *)ctx->bytes;
    (void)user;
    EVP_CIPHER_CTX_free(m->cbc);   /* cleanses the key schedule */
    m->cbc = NULL;
}

static int copp__openssl_rng(void *user, uint8_t *buf, size_t len)
{
    copp_openssl *k = (copp_openssl *)user;
    return k->randombytes(k->rng_user, buf, len);
}

COPP_API const copp_crypto *copp_openssl_crypto(void)
{
    static const copp_crypto table = {
        copp__openssl_rng, copp__openssl_rsa, copp__openssl_mac_init, copp__openssl_mac,
        copp__openssl_mac_release, NULL
    };
    return &table;
}
#endif /* COPP_WITH_OPENSSL */

/* >>bearssl-impl ----------------------------------------------------------- */
#ifdef COPP_WITH_BEARSSL

#define COPP__BEARSSL_FLAGS (COPP_BEARSSL_RSA_BIG_ENDIAN | COPP_BEARSSL_RSA_I31 | COPP_BEARSSL_AES_CT64)

COPP_API void copp_bearssl_free(copp_bearssl *k)
{
    if (k != NULL) copp__wipe(k, sizeof *k);
}

/* The engines: i62 RSA unless asked for i31 or BearSSL lacks it; x86ni AES
 * unless asked for ct64 or the CPU lacks AES-NI.  Returns 0 when there is no
 * RSA engine (cannot happen with BearSSL 0.6: i31 is always there). */
static int copp__br_engines(copp_bearssl *k, uint32_t flags)
{
    k->priv = NULL;
    k->pub = NULL;
    k->engines = flags & (COPP_BEARSSL_RSA_I31 | COPP_BEARSSL_AES_CT64);
#ifndef COPP_BEARSSL_NO_I62
    if (!(flags & COPP_BEARSSL_RSA_I31)) {
        k->priv = br_rsa_i62_private_get();
        k->pub = br_rsa_i62_public_get();
    }
#endif
    if (k->priv == NULL || k->pub == NULL) {
        k->priv = br_rsa_i31_private;
        k->pub = br_rsa_i31_public;
        k->engines |= COPP_BEARSSL_RSA_I31;
    }
    k->aes = NULL;
#ifndef COPP_BEARSSL_NO_X86NI
    if (!(flags & COPP_BEARSSL_AES_CT64)) k->aes = br_aes_x86ni_ctrcbc_get_vtable();
#endif
    if (k->aes == NULL) {
        k->aes = &br_aes_ct64_ctrcbc_vtable;
        k->engines |= COPP_BEARSSL_AES_CT64;
    }
    return k->priv != NULL && k->pub != NULL;
}

/* p without its leading zero bytes; *len updated. */
static const uint8_t *copp__br_strip(const uint8_t *p, size_t *len)
{
    while (*len > 0 && p[0] == 0) { p++; (*len)--; }
    return p;
}

/* The CRT components (big-endian, leading zeros allowed) into k->key and
 * k->sk.  Returns COPP_KEY_OK, or INCONSISTENT when one is zero or longer
 * than 256 bytes (no factor of a 2048-bit n is). */
static uint32_t copp__br_set_private(copp_bearssl *k, const uint8_t *const part[5], const size_t part_len[5])
{
    unsigned char **dst[5];
    size_t *dst_len[5];
    int i;
    dst[0] = &k->sk.p; dst[1] = &k->sk.q; dst[2] = &k->sk.dp; dst[3] = &k->sk.dq; dst[4] = &k->sk.iq;
    dst_len[0] = &k->sk.plen; dst_len[1] = &k->sk.qlen; dst_len[2] = &k->sk.dplen;
    dst_len[3] = &k->sk.dqlen; dst_len[4] = &k->sk.iqlen;
    for (i = 0; i < 5; i++) {
        size_t len = part_len[i];
        const uint8_t *p = copp__br_strip(part[i], &len);
        if (len == 0 || len > sizeof k->key[i]) return COPP_KEY_INCONSISTENT;
        COPP_MEMCPY(k->key[i], p, len);
        *dst[i] = k->key[i];
        *dst_len[i] = len;
    }
    k->sk.n_bitlen = 2048;
    return COPP_KEY_OK;
}

/* e into k->e and k->pk (n is already in k->n).  Returns COPP_KEY_OK or
 * BAD_EXPONENT (even, below 3, wider than 4 bytes). */
static uint32_t copp__br_set_public(copp_bearssl *k, const uint8_t *e, size_t e_len)
{
    e = copp__br_strip(e, &e_len);
    if (e_len == 0 || e_len > 4 || !(e[e_len - 1] & 1) || (e_len == 1 && e[0] < 3)) return COPP_KEY_BAD_EXPONENT;
    COPP_MEMCPY(k->e, e, e_len);
    k->pk.n = k->n;
    k->pk.nlen = 256;
    k->pk.e = k->e;
    k->pk.elen = e_len;
    return COPP_KEY_OK;
}

/* The checks every keyed init ends with (k->sk, k->pk set): n = p q; a test
 * private operation undoes the public one on m = n with its top byte halved
 * (m < n); with d, m^d by the public op with exponent d equals the CRT
 * private operation on m.  Returns COPP_KEY_*. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static uint32_t copp__br_check(copp_bearssl *k, const uint8_t *d, size_t d_len)
{
    uint8_t *m = k->work.u.chk.t[0], *c = k->work.u.chk.t[1], *x = k->work.u.chk.t[2];
    uint32_t why = COPP_KEY_OK;
    if (br_rsa_i31_compute_modulus(NULL, &k->sk) != 256) return COPP_KEY_INCONSISTENT;
    if (br_rsa_i31_compute_modulus(m, &k->sk) != 256 || !copp__ct_equal(m, k->n, 256)) {
        why = COPP_KEY_INCONSISTENT;
        goto done;
    }
    COPP_MEMCPY(m, k->n, 256);
    m[0] = (uint8_t)(m[0] >> 1);
    COPP_MEMCPY(c, m, 256);
    if (k->pub(c, 256, &k->pk) != 1 || k->priv(c, &k->sk) != 1 || !copp__ct_equal(c, m, 256)) {
        why = COPP_KEY_INCONSISTENT;
        goto done;
    }
    if (d != NULL) {
        br_rsa_public_key pd;
        d = copp__br_strip(d, &d_len);
        pd.n = k->n;
        pd.nlen = 256;
        pd.e = (unsigned char *)(uintptr_t)d;   /* read only */
        pd.elen = d_len;
        COPP_MEMCPY(c, m, 256);
        COPP_MEMCPY(x, m, 256);
        if (d_len == 0 || d_len > 256 || k->pub(c, 256, &pd) != 1 || k->priv(x, &k->sk) != 1 ||
            !copp__ct_equal(c, x, 256))
            why = COPP_KEY_INCONSISTENT;
    }
done:
    copp__wipe(&k->work.u, sizeof k->work.u);
    return why;
}

/* The end of every keyed init: keep the key, or leave k all zero. */
static int32_t copp__br_finish(copp_bearssl *k, uint32_t why, int (*rng)(void *user, uint8_t *buf, size_t len),
                               void *rng_user, uint32_t flags)
{
    copp__wipe(&k->work, sizeof k->work);
    if (why != COPP_KEY_OK) {
        copp__wipe(k, sizeof *k);
    } else {
        k->randombytes = rng;
        k->rng_user = rng_user;
        k->flags = flags;
        k->keyed = 1;
    }
    return copp__key_result(&k->key_reason, why);
}

/* The start of every init: zeroed k, the pointer and flag checks, the engines. */
static uint32_t copp__br_begin(copp_bearssl *k, int (*rng)(void *user, uint8_t *buf, size_t len), uint32_t flags)
{
    copp__wipe(k, sizeof *k);
    if (rng == NULL) return COPP_KEY_NULL_POINTER;
    if (flags & ~COPP__BEARSSL_FLAGS) return COPP_KEY_BAD_FLAGS;
    return copp__br_engines(k, flags) ? (uint32_t)COPP_KEY_OK : (uint32_t)COPP_KEY_LIBRARY_FAILED;
}

COPP_API int32_t copp_bearssl_init(copp_bearssl *k, const copp_rsa_private_key *key,
                                   int (*rng)(void *user, uint8_t *buf, size_t len),
                                   void *rng_user, uint32_t flags)
{
    const uint8_t *part[5], *n;
    size_t part_len[5], n_len;
    uint32_t why;
    if (k == NULL) return COPP_E_POINTER;
    copp__wipe(k, sizeof *k);
    why = key == NULL ? (uint32_t)COPP_KEY_NULL_POINTER : copp__br_begin(k, rng, flags);
    if (why != COPP_KEY_OK) return copp__key_result(&k->key_reason, why);
    if (!copp__key_components_ok(key, 0) || (key->d.p != NULL && key->d.len > 512))
        return copp__br_finish(k, COPP_KEY_MISSING_COMPONENT, rng, rng_user, flags);
    n_len = key->n.len;
    n = copp__br_strip(key->n.p, &n_len);
    if (n_len != 256 || !(n[0] & 0x80)) return copp__br_finish(k, COPP_KEY_NOT_2048_BITS, rng, rng_user, flags);
    COPP_MEMCPY(k->n, n, 256);
    why = copp__br_set_public(k, key->e.p, key->e.len);
    part[0] = key->p.p; part[1] = key->q.p; part[2] = key->dp.p; part[3] = key->dq.p; part[4] = key->qinv.p;
    part_len[0] = key->p.len; part_len[1] = key->q.len; part_len[2] = key->dp.len;
    part_len[3] = key->dq.len; part_len[4] = key->qinv.len;
    if (why == COPP_KEY_OK) why = copp__br_set_private(k, part, part_len);
    if (why == COPP_KEY_OK) why = copp__br_check(k, key->d.p != NULL && key->d.len ? key->d.p : NULL, key->d.len);
    return copp__br_finish(k, why, rng, rng_user, flags);
}

/* One DER INTEGER header at der[*pos] (tag 02, definite length of at most two
 * bytes): its value's place, and *pos moved past it.  0 if there is none. */
static int copp__br_integer_at(const uint8_t *der, size_t len, size_t *pos, const uint8_t **v, size_t *v_len)
{
    size_t i = *pos, n;
    if (i + 2 > len || der[i] != 0x02) return 0;
    n = der[i + 1];
    i += 2;
    if (n == 0x81 || n == 0x82) {
        size_t bytes = n - 0x80u;
        if (i + bytes > len) return 0;
        n = bytes == 1 ? der[i] : ((size_t)der[i] << 8) | der[i + 1];
        i += bytes;
    } else if (n >= 0x80) {
        return 0;
    }
    if (n == 0 || n > len - i) return 0;
    *v = der + i;
    *v_len = n;
    *pos = i + n;
    return 1;
}

/* Are a[0..n) and b[0..n) equal?  (Public bytes: n, OID prefixes.) */
static int copp__br_same(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* Is der one of the PKCS #8 EncryptedPrivateKeyInfo BearSSL refused?  Its
 * encryption algorithm's OID sits in its first bytes: PKCS #5 (PBES1, PBES2:
 * 1.2.840.113549.1.5) or PKCS #12 PBE (1.2.840.113549.1.12.1). */
static int copp__br_is_encrypted(const uint8_t *der, size_t len)
{
    static const uint8_t pkcs5[10] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05 };
    static const uint8_t pkcs12[11] = { 0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01 };
    size_t i;
    for (i = 0; i < 32 && i < len; i++) {
        if ((i + sizeof pkcs5 <= len && copp__br_same(der + i, pkcs5, sizeof pkcs5)) ||
            (i + sizeof pkcs12 <= len && copp__br_same(der + i, pkcs12, sizeof pkcs12)))
            return 1;
    }
    return 0;
}

/* Decode der (see copp_bearssl_init_der) into k.  Returns COPP_KEY_*. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static uint32_t copp__br_load_der(copp_bearssl *k, const uint8_t *der, size_t len)
{
    static const uint8_t int_n[5] = { 0x02, 0x82, 0x01, 0x01, 0x00 };   /* INTEGER, 257 bytes, 00 | n */
    const br_rsa_private_key *dsk;
    const uint8_t *part[5], *e = NULL, *d = NULL;
    size_t part_len[5], e_len = 0, d_len = 0, pos = 0, i, want;
    uint32_t why;
    int found = 0;
    br_skey_decoder_init(&k->work.u.dec);
    br_skey_decoder_push(&k->work.u.dec, der, len);
    dsk = br_skey_decoder_get_rsa(&k->work.u.dec);
    if (dsk == NULL) {
        if (br_skey_decoder_last_error(&k->work.u.dec) != 0 && copp__br_is_encrypted(der, len)) return COPP_KEY_ENCRYPTED;
        return COPP_KEY_NOT_PRIVATE_KEY;
    }
    if (dsk->n_bitlen != 2048) return COPP_KEY_NOT_2048_BITS;
    part[0] = dsk->p; part[1] = dsk->q; part[2] = dsk->dp; part[3] = dsk->dq; part[4] = dsk->iq;
    part_len[0] = dsk->plen; part_len[1] = dsk->qlen; part_len[2] = dsk->dplen;
    part_len[3] = dsk->dqlen; part_len[4] = dsk->iqlen;
    why = copp__br_set_private(k, part, part_len);
    copp__wipe(&k->work.u, sizeof k->work.u);   /* the decoder's copy of the key */
    if (why != COPP_KEY_OK) return why;
    /* n = p q, and where its INTEGER is in the input: e and d follow it */
    if (br_rsa_i31_compute_modulus(NULL, &k->sk) != 256 || br_rsa_i31_compute_modulus(k->n, &k->sk) != 256)
        return COPP_KEY_INCONSISTENT;
    for (i = 0; !found && i + sizeof int_n + 256 <= len; i++)
        found = copp__br_same(der + i, int_n, sizeof int_n) && copp__br_same(der + i + sizeof int_n, k->n, 256);
    if (!found) return COPP_KEY_INCONSISTENT;   /* the DER's n is not p q */
    pos = i - 1 + sizeof int_n + 256;
    if (!copp__br_integer_at(der, len, &pos, &e, &e_len)) return COPP_KEY_INCONSISTENT;
    why = copp__br_set_public(k, e, e_len);
    if (why != COPP_KEY_OK) return why;
    if (!copp__br_integer_at(der, len, &pos, &d, &d_len)) return COPP_KEY_INCONSISTENT;
    d = copp__br_strip(d, &d_len);
    if (d_len == 0 || d_len > sizeof k->work.d) return COPP_KEY_INCONSISTENT;
    COPP_MEMCPY(k->work.d, d, d_len);
    /* the input is BearSSL's encoding of exactly this key, PKCS #1 or #8 */
    want = br_encode_rsa_raw_der(NULL, &k->sk, &k->pk, k->work.d, d_len);
    found = 0;
    if (want > 0 && want <= len && want <= sizeof k->work.u.chk.canon &&
        br_encode_rsa_raw_der(k->work.u.chk.canon, &k->sk, &k->pk, k->work.d, d_len) == want)
        found = copp__ct_equal(k->work.u.chk.canon, der, want);
    want = br_encode_rsa_pkcs8_der(NULL, &k->sk, &k->pk, k->work.d, d_len);
    if (!found && want > 0 && want <= len && want <= sizeof k->work.u.chk.canon &&
        br_encode_rsa_pkcs8_der(k->work.u.chk.canon, &k->sk, &k->pk, k->work.d, d_len) == want)
        found = copp__ct_equal(k->work.u.chk.canon, der, want);
    copp__wipe(&k->work.u, sizeof k->work.u);
    if (!found) return COPP_KEY_INCONSISTENT;
    return copp__br_check(k, k->work.d, d_len);
}

COPP_API int32_t copp_bearssl_init_der(copp_bearssl *k, const uint8_t *der, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags)
{
    uint32_t why;
    if (k == NULL) return COPP_E_POINTER;
    why = copp__key_begin(k, sizeof *k, der, len, flags, COPP__BEARSSL_FLAGS);
    if (why == COPP_KEY_OK) why = copp__br_begin(k, rng, flags);
    if (why != COPP_KEY_OK) return copp__key_result(&k->key_reason, why);
    return copp__br_finish(k, copp__br_load_der(k, der, len), rng, rng_user, flags);
}

/* br_pem_decoder's destination: the body's bytes into k->work.der. */
static void copp__br_pem_sink(void *user, const void *src, size_t len)
{
    copp_bearssl *k = (copp_bearssl *)user;
    if (k->work.der_overflow || len > sizeof k->work.der - k->work.der_len) {
        k->work.der_overflow = 1;
        return;
    }
    COPP_MEMCPY(k->work.der + k->work.der_len, src, len);
    k->work.der_len += len;
}

/* Does text[0..len) hold s (NUL-free) anywhere? */
static int copp__br_has(const char *text, size_t len, const char *s)
{
    size_t i, j;
    for (i = 0; i < len; i++) {
        for (j = 0; s[j] != 0 && i + j < len && text[i + j] == s[j]; j++) continue;
        if (s[j] == 0) return 1;
    }
    return 0;
}

/* The first PEM block's body into k->work.der.  Returns COPP_KEY_*. */
static uint32_t copp__br_pem_body(copp_bearssl *k, const char *pem, size_t len)
{
    size_t off = 0;
    int begun = 0;
    br_pem_decoder_init(&k->work.pem);
    while (off < len) {
        size_t used = br_pem_decoder_push(&k->work.pem, pem + off, len - off);
        int ev = br_pem_decoder_event(&k->work.pem);
        off += used;
        if (ev == BR_PEM_BEGIN_OBJ) {
            const char *name = br_pem_decoder_name(&k->work.pem);
            size_t nl = 0;
            while (name[nl] != 0) nl++;
            if (nl == 21 && copp__br_has(name, nl, "ENCRYPTED PRIVATE KEY")) return COPP_KEY_ENCRYPTED;
            if (!((nl == 15 && copp__br_has(name, nl, "RSA PRIVATE KEY")) || (nl == 11 && copp__br_has(name, nl, "PRIVATE KEY"))))
                return COPP_KEY_NOT_PRIVATE_KEY;
            br_pem_decoder_setdest(&k->work.pem, copp__br_pem_sink, k);
            begun = 1;
        } else if (ev == BR_PEM_END_OBJ) {
            if (k->work.der_overflow) return COPP_KEY_TOO_LONG;
            return k->work.der_len == 0 ? (uint32_t)COPP_KEY_BAD_BASE64 : (uint32_t)COPP_KEY_OK;
        } else if (ev == BR_PEM_ERROR) {
            if (!begun) return COPP_KEY_NOT_PEM;
            return copp__br_has(pem, len, "Proc-Type:") ? (uint32_t)COPP_KEY_ENCRYPTED : (uint32_t)COPP_KEY_BAD_BASE64;
        } else if (used == 0) {
            break;
        }
    }
    return COPP_KEY_NOT_PEM;   /* no BEGIN line, or no END line */
}

COPP_API int32_t copp_bearssl_init_pem(copp_bearssl *k, const char *pem, size_t len,
                                       int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags)
{
    uint32_t why;
    if (k == NULL) return COPP_E_POINTER;
    why = copp__key_begin(k, sizeof *k, pem, len, flags, COPP__BEARSSL_FLAGS);
    if (why == COPP_KEY_OK) why = copp__br_begin(k, rng, flags);
    if (why != COPP_KEY_OK) return copp__key_result(&k->key_reason, why);
    why = copp__br_pem_body(k, pem, len);
    if (why == COPP_KEY_OK) why = copp__br_load_der(k, k->work.der, k->work.der_len);
    return copp__br_finish(k, why, rng, rng_user, flags);
}

COPP_API int32_t copp_bearssl_init_mac(copp_bearssl *k, int (*rng)(void *user, uint8_t *buf, size_t len),
                                       void *rng_user, uint32_t flags)
{
    uint32_t why;
    if (k == NULL) return COPP_E_POINTER;
    why = (flags & ~COPP_BEARSSL_AES_CT64) ? (uint32_t)COPP_KEY_BAD_FLAGS : copp__br_begin(k, rng, flags);
    if (why != COPP_KEY_OK) {
        copp__wipe(k, sizeof *k);
    } else {
        k->randombytes = rng;
        k->rng_user = rng_user;
        k->flags = flags;
    }
    return copp__key_result(&k->key_reason, why);
}

COPP_API int32_t copp_bearssl_public_key(const copp_bearssl *k, uint8_t n[256], uint8_t e[4], size_t *e_len)
{
    if (k == NULL || n == NULL || e == NULL || e_len == NULL) return COPP_E_POINTER;
    if (!k->keyed) return COPP_E_UNEXPECTED;
    COPP_MEMCPY(n, k->n, 256);
    COPP_MEMCPY(e, k->e, k->pk.elen);
    *e_len = k->pk.elen;
    return COPP_S_OK;
}

/* The private operation (spec 10.3): c >= n is refused here so that it maps
 * to E_UNEXPECTED (n and c are public: an ordinary compare). */
static int32_t copp__br_rsa(void *user, const uint8_t sig[256], uint8_t out[256], size_t *out_len)
{
    copp_bearssl *k = (copp_bearssl *)user;
    size_t i;
    uint32_t ok, mask;
    int below = 0;
    if (!k->keyed) return COPP_E_FAIL;   /* copp_bearssl_init_mac: no key */
    if (k->flags & COPP_BEARSSL_RSA_BIG_ENDIAN) COPP_MEMCPY(k->x, sig, 256);
    else copp__reverse(k->x, sig, 256);
    for (i = 0; i < 256 && k->x[i] == k->n[i]; i++) continue;
    below = i < 256 && k->x[i] < k->n[i];
    if (!below) {
        copp__wipe(k->x, sizeof k->x);
        return COPP_E_UNEXPECTED;
    }
    /* BearSSL answers 1, or 0 when x is not below p q (refused above); the
     * answer is computed from the key, so it is used without a branch: out
     * all zero and *out_len 0 on a failure. */
    ok = (uint32_t)(k->priv(k->x, &k->sk) == 1);
    mask = 0u - ok;
    for (i = 0; i < 256; i++) out[i] = (uint8_t)(k->x[255 - i] & mask);
    *out_len = (size_t)(256u & mask);
    copp__wipe(k->x, sizeof k->x);
    return (int32_t)(((uint32_t)COPP_S_OK & mask) | ((uint32_t)COPP_E_FAIL & ~mask));
}

/* The session's CMAC state inside copp_mac_ctx: the AES key schedule (its
 * first member is the class) and the two subkeys. */
typedef struct copp__br_mac_state {
    br_aes_gen_ctrcbc_keys aes;
    uint8_t k1[16], k2[16];
} copp__br_mac_state;

typedef char copp__br_mac_fits[(sizeof(copp__br_mac_state) <= COPP_MAC_CTX_BYTES) ? 1 : -1];

static int32_t copp__br_mac_init(void *user, copp_mac_ctx *ctx, const uint8_t key[16])
{
    static const uint8_t zero[16] = { 0 };
    copp_bearssl *k = (copp_bearssl *)user;
    copp__br_mac_state *m = (copp__br_mac_state *)(void *)ctx->bytes;
    uint8_t L[16];
    if (k->aes == NULL) return COPP_E_FAIL;
    k->aes->init(&m->aes.vtable, key, 16);
    COPP_MEMSET(L, 0, sizeof L);
    k->aes->mac(&m->aes.vtable, L, zero, 16);   /* L = AES_K(0^128) */
    copp__cmac_dbl(m->k1, L);
    copp__cmac_dbl(m->k2, m->k1);
    copp__wipe(L, sizeof L);
    return COPP_S_OK;
}

/* CMAC of msg | zero_tail zeros: the CBC-MAC over every block but the last,
 * straight from msg (one 16-byte block copied where msg ends inside it), then
 * the last block XOR K1 (complete) or padded XOR K2. */
static int32_t copp__br_mac(void *user, const copp_mac_ctx *ctx, const uint8_t *msg, size_t len,
                            size_t zero_tail, uint8_t tag[16])
{
    static const uint8_t zeros[1024] = { 0 };
    const copp__br_mac_state *m = (const copp__br_mac_state *)(const void *)ctx->bytes;
    const br_block_ctrcbc_class *const *aes = &m->aes.vtable;
    size_t total = len + zero_tail, head = total ? ((total - 1) / 16) * 16 : 0, fed, i;
    uint8_t cv[16], blk[16];
    (void)user;
    COPP_MEMSET(cv, 0, sizeof cv);
    fed = (len < head ? len : head) & ~(size_t)15;
    if (fed) (*aes)->mac(aes, cv, msg, fed);
    if (fed < head && fed < len) {   /* the block where msg ends and the zeros begin */
        for (i = 0; i < 16; i++) blk[i] = (uint8_t)(fed + i < len ? msg[fed + i] : 0);
        (*aes)->mac(aes, cv, blk, 16);
        fed += 16;
    }
    while (fed < head) {
        size_t chunk = head - fed < sizeof zeros ? head - fed : sizeof zeros;
        (*aes)->mac(aes, cv, zeros, chunk);
        fed += chunk;
    }
    for (i = 0; i < 16; i++) blk[i] = (uint8_t)(head + i < len ? msg[head + i] : 0);
    if (total - head == 16) {
        for (i = 0; i < 16; i++) blk[i] ^= m->k1[i];
    } else {
        blk[total - head] = 0x80;   /* 10* padding; the rest is already 0 */
        for (i = 0; i < 16; i++) blk[i] ^= m->k2[i];
    }
    (*aes)->mac(aes, cv, blk, 16);
    COPP_MEMCPY(tag, cv, 16);
    copp__wipe(cv, sizeof cv);
    copp__wipe(blk, sizeof blk);
    return COPP_S_OK;
}

static int copp__br_rng(void *user, uint8_t *buf, size_t len)
{
    copp_bearssl *k = (copp_bearssl *)user;
    return k->randombytes ? k->randombytes(k->rng_user, buf, len) : -1;
}

COPP_API const copp_crypto *copp_bearssl_crypto(void)
{
    static const copp_crypto table = {
        copp__br_rng, copp__br_rsa, copp__br_mac_init, copp__br_mac, NULL, NULL
    };
    return &table;
}
#endif /* COPP_WITH_BEARSSL */

/* >>app-impl --------------------------------------------------------------- */
#ifdef COPP_WITH_APP

COPP_API int32_t copp_app_command(uint8_t cmd[4096], const uint8_t guid[16], uint32_t seq,
                                  const uint8_t *data, uint32_t data_len)
{
    if (cmd == NULL || guid == NULL || (data == NULL && data_len != 0)) return COPP_E_POINTER;
    if (data_len > COPP_DATA_BYTES) return COPP_E_INVALIDARG;
    COPP_MEMSET(cmd, 0, COPP_COMMAND_BYTES);
    COPP_MEMCPY(cmd + COPP_CMD_OFF_GUIDCOMMANDID, guid, COPP_GUID_BYTES);
    copp__st32(cmd + COPP_CMD_OFF_DWSEQUENCE, seq);
    copp__st32(cmd + COPP_CMD_OFF_CBSIZEDATA, data_len);
    if (data_len) COPP_MEMCPY(cmd + COPP_CMD_OFF_COMMANDDATA, data, data_len);
    return COPP_S_OK;
}

COPP_API int32_t copp_app_set_protection_level(uint8_t cmd[4096], uint32_t seq,
                                               uint32_t prot_type, uint32_t level)
{
    uint8_t data[COPP_SET_PROTECTION_LEVEL_BYTES];
    COPP_MEMSET(data, 0, sizeof data);
    copp__st32(data, prot_type);
    copp__st32(data + 4, level);
    return copp_app_command(cmd, copp__guid_set_protection_level, seq, data, sizeof data);
}

COPP_API int32_t copp_app_mac_command(uint8_t cmd[4096], const copp_crypto *crypto,
                                      void *crypto_user, const copp_mac_ctx *ctx)
{
    if (cmd == NULL || crypto == NULL || ctx == NULL) return COPP_E_POINTER;
    return crypto->mac(crypto_user, ctx, cmd + COPP_MACED_OFFSET, COPP_MACED_BYTES, 0, cmd + COPP_CMD_OFF_MACKDI);
}

COPP_API int32_t copp_app_status_request(uint8_t in[4096], const uint8_t rapp[16],
                                         const uint8_t guid[16], uint32_t seq,
                                         const uint8_t *data, uint32_t data_len)
{
    if (in == NULL || rapp == NULL || guid == NULL || (data == NULL && data_len != 0)) return COPP_E_POINTER;
    if (data_len > COPP_DATA_BYTES) return COPP_E_INVALIDARG;
    COPP_MEMSET(in, 0, COPP_STATUS_INPUT_BYTES);
    COPP_MEMCPY(in + COPP_STIN_OFF_RAPP, rapp, COPP_RANDOM_BYTES);
    COPP_MEMCPY(in + COPP_STIN_OFF_GUIDSTATUSREQUESTID, guid, COPP_GUID_BYTES);
    copp__st32(in + COPP_STIN_OFF_DWSEQUENCE, seq);
    copp__st32(in + COPP_STIN_OFF_CBSIZEDATA, data_len);
    if (data_len) COPP_MEMCPY(in + COPP_STIN_OFF_STATUSDATA, data, data_len);
    return COPP_S_OK;
}

COPP_API int32_t copp_app_verify_status(const uint8_t out[4096], const uint8_t rapp[16],
                                        const copp_crypto *crypto, void *crypto_user,
                                        const copp_mac_ctx *ctx)
{
    uint8_t tag[COPP_MAC_BYTES];
    int32_t r;
    int ok;
    if (out == NULL || rapp == NULL || crypto == NULL || ctx == NULL) return COPP_E_POINTER;
    r = crypto->mac(crypto_user, ctx, out + COPP_MACED_OFFSET, COPP_MACED_BYTES, 0, tag);
    if (r != COPP_S_OK) {
        copp__wipe(tag, sizeof tag);
        return r;
    }
    ok = copp__ct_equal(tag, out + COPP_STOUT_OFF_MACKDI, COPP_MAC_BYTES);
    copp__wipe(tag, sizeof tag);
    ok &= copp__ct_equal(rapp, out + COPP_STOUT_OFF_COPPSTATUS, COPP_RANDOM_BYTES);
    ok &= copp__ld32(out + COPP_STOUT_OFF_CBSIZEDATA) <= COPP_REPLY_BYTES;
    return ok ? COPP_S_OK : COPP_E_UNEXPECTED;
}

#ifdef COPP_WITH_LIBTOM
COPP_API int32_t copp_app_sign_start_sequence(uint8_t sig[256], const uint8_t rgh[16],
                                              const uint8_t kdi[16], uint32_t status_start,
                                              uint32_t command_start, uint32_t encoding,
                                              copp_bytes n, copp_bytes e)
{
    uint8_t p[COPP_START_SEQUENCE_BYTES];
    mp_int mn, me, mm;
    int32_t hr = COPP_E_FAIL;
    size_t i;
    if (sig == NULL || rgh == NULL || kdi == NULL || n.p == NULL || e.p == NULL) return COPP_E_POINTER;
    if (encoding != COPP_APP_SIG_RAW_LE && encoding != COPP_APP_SIG_PKCS1V15_REVERSED) return COPP_E_INVALIDARG;
    /* P: rGH | kDI | status start | command start, zeros after (spec 5.11). */
    COPP_MEMCPY(p, rgh, 16);
    COPP_MEMCPY(p + 16, kdi, 16);
    copp__st32(p + 32, status_start);
    copp__st32(p + 36, command_start);
    if (mp_init_multi(&mn, &me, &mm, NULL) != MP_OKAY) return COPP_E_OUTOFMEMORY;
    if (mp_from_ubin(&mn, n.p, n.len) != MP_OKAY || mp_from_ubin(&me, e.p, e.len) != MP_OKAY) goto done;
    if (mp_count_bits(&mn) != 2048) { hr = COPP_E_INVALIDARG; goto done; }
    /* sig is the working buffer: the big-endian message integer, then the ciphertext. */
    COPP_MEMSET(sig, 0, 256);
    copp__reverse_inplace(p, sizeof p);            /* the 40 bytes reversed */
    if (encoding == COPP_APP_SIG_RAW_LE) {
        for (i = 0; i < sizeof p; i++) sig[256 - sizeof p + i] = p[i];   /* P read as a little-endian integer */
    } else {
        /* CryptoAPI: the app reverses the 40 bytes, CryptEncrypt pads them
         * (PKCS #1 v1.5 type 2, libtomcrypt's encoder with the system PRNG). */
        unsigned long outlen = 256;
        int prng = register_prng(&sprng_desc);
        if (prng < 0 || pkcs_1_v1_5_encode(p, sizeof p, LTC_PKCS_1_EME, 2048, NULL, prng, sig, &outlen) != CRYPT_OK ||
            outlen != 256)
            goto done;
    }
    if (mp_from_ubin(&mm, sig, 256) != MP_OKAY || mp_exptmod(&mm, &me, &mn, &mm) != MP_OKAY ||
        copp__mp_to_be(&mm, sig, 256) != 0)
        goto done;
    copp__reverse_inplace(sig, 256);               /* ciphertext little-endian, as CryptoAPI writes it */
    hr = COPP_S_OK;
done:
    if (hr != COPP_S_OK) COPP_MEMSET(sig, 0, 256);
    copp__wipe(p, sizeof p);
    copp__mp_wipe_clear(&mn); copp__mp_wipe_clear(&me); copp__mp_wipe_clear(&mm);
    return hr;
}
#endif /* COPP_WITH_LIBTOM */

COPP_API int32_t copp_app_opm_get_info_parameters(uint8_t in[4112], const uint8_t rn[16], const uint8_t guid[16],
                                                  uint32_t seq, const uint8_t *data, uint32_t data_len)
{
    if (in == NULL || rn == NULL || guid == NULL || (data == NULL && data_len != 0)) return COPP_E_POINTER;
    if (data_len > COPP_OPM_PARAMETERS_BYTES) return COPP_E_INVALIDARG;
    COPP_MEMSET(in, 0, COPP_OPM_GET_INFO_PARAMETERS_BYTES);
    COPP_MEMCPY(in + COPP_OPM_GIP_OFF_RNRANDOMNUMBER, rn, COPP_OPM_RANDOM_NUMBER_BYTES);
    COPP_MEMCPY(in + COPP_OPM_GIP_OFF_GUIDINFORMATION, guid, COPP_GUID_BYTES);
    copp__st32(in + COPP_OPM_GIP_OFF_ULSEQUENCENUMBER, seq);
    copp__st32(in + COPP_OPM_GIP_OFF_CBPARAMETERSSIZE, data_len);
    if (data_len) COPP_MEMCPY(in + COPP_OPM_GIP_OFF_ABPARAMETERS, data, data_len);
    return COPP_S_OK;
}

COPP_API int32_t copp_app_opm_mac_get_info_parameters(uint8_t in[4112], const copp_crypto *crypto,
                                                      void *crypto_user, const copp_mac_ctx *ctx)
{
    if (in == NULL || crypto == NULL || ctx == NULL) return COPP_E_POINTER;
    return crypto->mac(crypto_user, ctx, in + COPP_OPM_GIP_OFF_RNRANDOMNUMBER,
                       COPP_OPM_GET_INFO_PARAMETERS_BYTES - COPP_OPM_OMAC_BYTES, 0, in + COPP_OPM_GIP_OFF_OMAC);
}

#ifdef COPP_WITH_LIBTOM
COPP_API int32_t copp_app_opm_oaep_encrypt(uint8_t out[256], const uint8_t *msg, size_t msg_len,
                                           copp_bytes n, copp_bytes e)
{
    mp_int mn, me, mm;
    unsigned long outlen = 256;
    int32_t hr = COPP_E_FAIL;
    int prng, hash;
    if (out == NULL || (msg == NULL && msg_len != 0) || n.p == NULL || e.p == NULL) return COPP_E_POINTER;
    if (msg_len > COPP_OPM_OAEP_MAX_MESSAGE_BYTES) return COPP_E_INVALIDARG;
    if (mp_init_multi(&mn, &me, &mm, NULL) != MP_OKAY) return COPP_E_OUTOFMEMORY;
    if (mp_from_ubin(&mn, n.p, n.len) != MP_OKAY || mp_from_ubin(&me, e.p, e.len) != MP_OKAY) goto done;
    if (mp_count_bits(&mn) != 2048) { hr = COPP_E_INVALIDARG; goto done; }
    prng = register_prng(&sprng_desc);
    hash = register_hash(&sha512_desc);
    /* EME-OAEP (libtomcrypt; SHA-512 for the label hash and MGF1), then RSAEP */
    if (prng < 0 || hash < 0 ||
        pkcs_1_oaep_encode(msg, (unsigned long)msg_len, NULL, 0, 2048, NULL, prng, hash, out, &outlen) != CRYPT_OK ||
        outlen != 256)
        goto done;
    if (mp_from_ubin(&mm, out, 256) != MP_OKAY || mp_exptmod(&mm, &me, &mn, &mm) != MP_OKAY ||
        copp__mp_to_be(&mm, out, 256) != 0)
        goto done;
    hr = COPP_S_OK;
done:
    if (hr != COPP_S_OK) COPP_MEMSET(out, 0, 256);
    copp__mp_wipe_clear(&mn); copp__mp_wipe_clear(&me); copp__mp_wipe_clear(&mm);
    return hr;
}
#endif
#endif /* COPP_WITH_APP */

#ifdef __cplusplus
}
#endif
#endif /* COPP_IMPLEMENTATION_DONE */
#endif /* COPP_IMPLEMENTATION */

/*
   LICENSE: MIT.  Copyright (c) 2026 the copp.h authors.
   Permission is hereby granted, free of charge, to any person obtaining a copy
   of this software and associated documentation files (the "Software"), to deal
   in the Software without restriction, including without limitation the rights
   to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
   copies of the Software, and to permit persons to whom the Software is
   furnished to do so, subject to the following conditions: the above copyright
   notice and this permission notice shall be included in all copies or
   substantial portions of the Software.
   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
*/
