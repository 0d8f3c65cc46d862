/*
 * fuzz.h: what every driver in fuzz/ shares.  A driver is one
 * LLVMFuzzerTestOneInput() over one parser of untrusted bytes that
 * checks a property of the result, not only that nothing crashed.
 * clang's libFuzzer links it as a fuzzer (configure --enable-fuzzing,
 * `make fuzz`); replay.c links it as a program that runs it over the
 * checked-in corpus (make check, any compiler).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A property that failed: say which, then abort for the fuzzer. */
#define PROPERTY(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

#endif /* !FUZZ_H */
