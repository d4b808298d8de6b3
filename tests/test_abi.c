/* test_abi.c -- data-model traps of the Windows x64 ABI (LLP64: long is 32
 * bits there, 64 on Linux x86-64), run by every configuration and by make
 * wine-check under Wine.  -DCOPP_TEST_PLANT_LLP64 plants the classic slip
 * (an unsigned long holding a 64-bit quantity): it passes on Linux and must
 * fail under Wine; make wine-check checks both. */

/* A big-endian 64-bit load, as copp_connector_init makes the epoch of fresh
 * storage from 8 random bytes. */
static uint64_t abi_be64(const uint8_t b[8])
{
#ifdef COPP_TEST_PLANT_LLP64
    unsigned long v = 0;   /* the planted slip: long used as a 64-bit quantity */
#else
    uint64_t v = 0;
#endif
    int i;
    for (i = 0; i < 8; i++) v = (v << 8) | b[i];
    return (uint64_t)v;
}

/* The 64-bit epoch (binding, CONVENTIONS) survives whole: the mock RNG's
 * first 8 bytes (0x40..0x47) seed it, the first opening is that + 1. */
static void test_abi_epoch_64_bits(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    static const uint8_t seed[8] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 };
    (void)state;
    assert_int_equal(sizeof(uint64_t), 8);
    assert_int_equal(sizeof(uintptr_t), sizeof(void *));
    assert_true(w->conn.epoch == abi_be64(seed));
    assert_true(abi_be64(seed) == 0x4041424344454647ull);
    assert_int_equal(copp_open(&w->conn, &w->s[0]), COPP_S_OK);
    assert_true(w->s[0].epoch == abi_be64(seed) + 1u);
    assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_OPENED);
    world_free(w);
}

static const struct CMUnitTest abi_tests[] = {
    cmocka_unit_test(test_abi_epoch_64_bits),
};
