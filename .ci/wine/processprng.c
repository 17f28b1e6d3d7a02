/*
 * Test infrastructure for running Rust's Windows binaries under Wine 8.0.
 *
 * Rust's std (1.78 and later) takes its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which Wine 8.0 does not ship: without it every test binary exits
 * with code 53 before main. This DLL provides that one export, filling the buffer from
 * RtlGenRandom (exported by advapi32 as SystemFunction036), which Wine has.
 *
 * Built by .ci/run with mingw-w64 and copied into the Wine prefix's system32.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
