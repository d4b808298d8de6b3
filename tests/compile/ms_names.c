/* ms_names.c -- Microsoft's own COPP spellings (dxva.h, the DDK sample,
 * strmif.h) declared first, then copp.h: nothing may collide, because every
 * copp name carries the COPP_<CATEGORY>_ / copp_ prefix. */
typedef struct _DXVA_COPPCommand {
    unsigned char macKDI[16], guidCommandID[16];
    unsigned long dwSequence, cbSizeData;
    unsigned char CommandData[4056];
} DXVA_COPPCommand;
typedef struct _DXVA_COPPSignature { unsigned char Signature[256]; } DXVA_COPPSignature, AMCOPPSignature;
enum { COPP_OPENED = 0, COPP_CERT_LENGTH_RETURNED = 1, COPP_KEY_EXCHANGED = 2, COPP_SESSION_ACTIVE = 3 };
enum { COPP_ProtectionType_Unknown = (int)0x80000000, COPP_ProtectionType_None = 0, COPP_ProtectionType_HDCP = 1,
       COPP_ProtectionType_ACP = 2, COPP_ProtectionType_CGMSA = 4, COPP_ProtectionType_Mask = (int)0x80000007 };
enum { COPP_NoProtectionLevelAvailable = -1, COPP_DefaultProtectionLevel = 0 };
enum { COPP_ACP_Level0 = 0, COPP_ACP_LevelMax = 3, COPP_HDCP_Level1 = 1, COPP_CGMSA_CopyNever = 4,
       COPP_CGMSA_RedistributionControlRequired = 8 };
enum { COPP_StatusNormal = 0, COPP_LinkLost = 1, COPP_RenegotiationRequired = 2 };
enum { COPP_ConnectorType_DVI = 4, COPP_ConnectorType_Internal = (int)0x80000000, COPP_BusType_AGP = 4 };
enum { COPP_HDCPRepeater = 1 };
enum { DXVA_COPPGetCertificateLengthFnCode = 1, DXVA_COPPQueryStatusFnCode = 5 };
#define E_UNEXPECTED ((long)0x8000FFFFL)
#define E_INVALIDARG ((long)0x80070057L)
#define S_OK 0L
#define DDERR_TOOBIGSIZE ((long)0x887601E0L)
#define VP_FLAGS_COPYPROTECT 0x0100
#define VP_CP_CMD_ACTIVATE 0x0001
#define VP_COMMAND_GET 0x0001
#define IOCTL_COPP_OpenDevice 0x00232238

#define COPP_IMPLEMENTATION
#include "../../copp.h"

int ms_names_probe(void);
int ms_names_probe(void)
{
    return COPP_STATE_OPENED == 1 && COPP_OPENED == 0 && COPP_PROTECTION_TYPE_HDCP == (unsigned)COPP_ProtectionType_HDCP &&
           COPP_E_UNEXPECTED == (int32_t)E_UNEXPECTED && sizeof(DXVA_COPPSignature) == COPP_SIGNATURE_BYTES;
}
