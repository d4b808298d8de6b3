/* mingw_layout.c -- built with Debian's mingw-w64 cross compiler (make
 * windows-check): copp.h's implementation compiles for Windows (LLP64), and
 * its wire offsets, sizes and shared constants equal those of mingw-w64's own
 * strmif.h (AMCOPP* structures) and opmapi.h (the OPM structures and
 * constants that COPP semantics share).  Checked at compile time. */
#include <windows.h>
#include <stddef.h>
#include <strmif.h>
#include <d3d9.h>      /* opmapi.h needs D3DFORMAT and IDirect3DDevice9 */
#include <opmapi.h>

#define COPP_IMPLEMENTATION
#include "../../copp.h"

#define SAME(name, a, b) typedef char same_##name[((size_t)(a) == (size_t)(b)) ? 1 : -1]

/* strmif.h: the DirectShow copies of the DXVA_COPP* envelopes (spec 5.1-5.4) */
SAME(sig_size, sizeof(AMCOPPSignature), COPP_SIGNATURE_BYTES);
SAME(cmd_size, sizeof(AMCOPPCommand), COPP_COMMAND_BYTES);
SAME(cmd_mac, offsetof(AMCOPPCommand, macKDI), COPP_CMD_OFF_MACKDI);
SAME(cmd_guid, offsetof(AMCOPPCommand, guidCommandID), COPP_CMD_OFF_GUIDCOMMANDID);
SAME(cmd_seq, offsetof(AMCOPPCommand, dwSequence), COPP_CMD_OFF_DWSEQUENCE);
SAME(cmd_size_field, offsetof(AMCOPPCommand, bSizeData), COPP_CMD_OFF_CBSIZEDATA);   /* MinGW's bSizeData */
SAME(cmd_data, offsetof(AMCOPPCommand, CommandData), COPP_CMD_OFF_COMMANDDATA);
SAME(cmd_data_size, sizeof(((AMCOPPCommand *)0)->CommandData), COPP_DATA_BYTES);
SAME(in_size, sizeof(AMCOPPStatusInput), COPP_STATUS_INPUT_BYTES);
SAME(in_rapp, offsetof(AMCOPPStatusInput, rApp), COPP_STIN_OFF_RAPP);
SAME(in_guid, offsetof(AMCOPPStatusInput, guidStatusRequestID), COPP_STIN_OFF_GUIDSTATUSREQUESTID);
SAME(in_seq, offsetof(AMCOPPStatusInput, dwSequence), COPP_STIN_OFF_DWSEQUENCE);
SAME(in_cb, offsetof(AMCOPPStatusInput, cbSizeData), COPP_STIN_OFF_CBSIZEDATA);
SAME(in_data, offsetof(AMCOPPStatusInput, StatusData), COPP_STIN_OFF_STATUSDATA);
SAME(out_size, sizeof(AMCOPPStatusOutput), COPP_STATUS_OUTPUT_BYTES);
SAME(out_mac, offsetof(AMCOPPStatusOutput, macKDI), COPP_STOUT_OFF_MACKDI);
SAME(out_cb, offsetof(AMCOPPStatusOutput, cbSizeData), COPP_STOUT_OFF_CBSIZEDATA);
SAME(out_status, offsetof(AMCOPPStatusOutput, COPPStatus), COPP_STOUT_OFF_COPPSTATUS);
SAME(out_status_size, sizeof(((AMCOPPStatusOutput *)0)->COPPStatus), COPP_REPLY_BYTES);

/* opmapi.h: sizes (spec 15) */
SAME(omac, OPM_OMAC_SIZE, COPP_MAC_BYTES);
SAME(data, OPM_CONFIGURE_SETTING_DATA_SIZE, COPP_DATA_BYTES);
SAME(reply, OPM_REQUESTED_INFORMATION_SIZE, COPP_REPLY_BYTES);
SAME(init, OPM_ENCRYPTED_INITIALIZATION_PARAMETERS_SIZE, COPP_SIGNATURE_BYTES);
SAME(random, OPM_128_BIT_RANDOM_NUMBER_SIZE, COPP_RANDOM_BYTES);
SAME(ksv, OPM_HDCP_KEY_SELECTION_VECTOR_SIZE, 5);
SAME(cfg_size, sizeof(OPM_CONFIGURE_PARAMETERS), COPP_COMMAND_BYTES);
SAME(cfg_guid, offsetof(OPM_CONFIGURE_PARAMETERS, guidSetting), COPP_CMD_OFF_GUIDCOMMANDID);
SAME(cfg_seq, offsetof(OPM_CONFIGURE_PARAMETERS, ulSequenceNumber), COPP_CMD_OFF_DWSEQUENCE);
SAME(cfg_cb, offsetof(OPM_CONFIGURE_PARAMETERS, cbParametersSize), COPP_CMD_OFF_CBSIZEDATA);
SAME(cfg_data, offsetof(OPM_CONFIGURE_PARAMETERS, abParameters), COPP_CMD_OFF_COMMANDDATA);
SAME(gi_size, sizeof(OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS), COPP_STATUS_INPUT_BYTES);
SAME(gi_guid, offsetof(OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS, guidInformation), COPP_STIN_OFF_GUIDSTATUSREQUESTID);
SAME(gi_seq, offsetof(OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS, ulSequenceNumber), COPP_STIN_OFF_DWSEQUENCE);
SAME(gi_data, offsetof(OPM_COPP_COMPATIBLE_GET_INFO_PARAMETERS, abParameters), COPP_STIN_OFF_STATUSDATA);
SAME(ri_size, sizeof(OPM_REQUESTED_INFORMATION), COPP_STATUS_OUTPUT_BYTES);
SAME(ri_cb, offsetof(OPM_REQUESTED_INFORMATION, cbRequestedInformationSize), COPP_STOUT_OFF_CBSIZEDATA);
SAME(ri_data, offsetof(OPM_REQUESTED_INFORMATION, abRequestedInformation), COPP_STOUT_OFF_COPPSTATUS);
/* reply and payload structures */
SAME(std_info, sizeof(OPM_STANDARD_INFORMATION), COPP_STATUS_DATA_BYTES);
SAME(out_format, sizeof(OPM_ACTUAL_OUTPUT_FORMAT), COPP_STATUS_DISPLAY_DATA_BYTES);
SAME(hdcp_info, sizeof(OPM_CONNECTED_HDCP_DEVICE_INFORMATION), COPP_STATUS_HDCP_KEY_DATA_BYTES);
SAME(hdcp_ksv, offsetof(OPM_CONNECTED_HDCP_DEVICE_INFORMATION, ksvB), 24);   /* BKey bytes 0..4 (A14) */
SAME(signaling, sizeof(OPM_ACP_AND_CGMSA_SIGNALING), COPP_STATUS_SIGNALING_BYTES);
SAME(set_level, sizeof(OPM_SET_PROTECTION_LEVEL_PARAMETERS), COPP_SET_PROTECTION_LEVEL_BYTES);
SAME(set_signaling, sizeof(OPM_SET_ACP_AND_CGMSA_SIGNALING_PARAMETERS), COPP_SET_SIGNALING_BYTES);
/* constants */
SAME(acp1, OPM_ACP_LEVEL_ONE, COPP_ACP_LEVEL_1);
SAME(acp3, OPM_ACP_LEVEL_THREE, COPP_ACP_LEVEL_3);
SAME(hdcp_on, OPM_HDCP_ON, COPP_HDCP_LEVEL_1);
SAME(cg_free, OPM_CGMSA_COPY_FREELY, COPP_CGMSA_COPY_FREELY);
SAME(cg_nomore, OPM_CGMSA_COPY_NO_MORE, COPP_CGMSA_COPY_NO_MORE);
SAME(cg_once, OPM_CGMSA_COPY_ONE_GENERATION, COPP_CGMSA_COPY_ONE_GENERATION);
SAME(cg_never, OPM_CGMSA_COPY_NEVER, COPP_CGMSA_COPY_NEVER);
SAME(cg_rc, OPM_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED, COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED);
SAME(std_iec, OPM_PROTECTION_STANDARD_IEC61880_525I, COPP_PROTECTION_STANDARD_IEC61880_525I);
SAME(std_en, OPM_PROTECTION_STANDARD_EN300294_625I, COPP_PROTECTION_STANDARD_EN300294_625I);
SAME(std_cea, OPM_PROTECTION_STANDARD_CEA805A_TYPEB_1125I, COPP_PROTECTION_STANDARD_CEA805A_TYPEB_1125I);
SAME(std_arib, OPM_PROTECTION_STANDARD_ARIBTRB15_1125I, COPP_PROTECTION_STANDARD_ARIBTRB15_1125I);
SAME(std_other, OPM_PROTECTION_STANDARD_OTHER, COPP_PROTECTION_STANDARD_UNKNOWN);
SAME(ar_16x9, OPM_ASPECT_RATIO_EN300294_BOX_16_BY_9_CENTER, COPP_ASPECT_RATIO_EN300294_BOX_16BY9_CENTER);
SAME(ar_prot, OPM_ASPECT_RATIO_EN300294_FULL_FORMAT_4_BY_3_PROTECTED_CENTER,
     COPP_ASPECT_RATIO_EN300294_FULL_FORMAT_4BY3_PROTECTED_CENTER);
SAME(semantics, OPM_VOS_COPP_SEMANTICS, 0);

int mingw_layout_probe(void);
int mingw_layout_probe(void)
{
    return copp_session_state(NULL) == COPP_STATE_CLOSED;
}
