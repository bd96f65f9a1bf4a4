/* Deliberately unprefixed global symbols: the symbol checker must reject
 * this archive (see the should_fail test in meson.build). */
int leaked_global_counter;

int leaked_helper(int x);
int leaked_helper(int x)
{
    return x + leaked_global_counter;
}
