package match

import (
	"syscall"
	"unsafe"
)

// madvHugePage is MADV_HUGEPAGE of linux/mman.h, which package syscall lacks.
const madvHugePage = 14

// adviseHugePages asks the kernel to back a large array, not yet touched,
// with huge pages: the solvers reach into arrays of a hundred megabytes at
// random, and with small pages most of those reaches also miss the TLB.
// It is a hint; where the kernel declines, nothing changes.
func adviseHugePages[T any](s []T) {
	const huge = 2 << 20
	size := uintptr(cap(s)) * unsafe.Sizeof(*new(T))
	if size < 2*huge {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	// Only whole 2 MB stretches inside the array can be huge pages.
	aligned := (start + huge - 1) &^ (huge - 1)
	end := (start + size) &^ (huge - 1)
	if end > aligned {
		syscall.Syscall(syscall.SYS_MADVISE, aligned, end-aligned, madvHugePage)
	}
}
