#include <cstdio>
int main() { std::puts("fundledger"); return 0; }
