//go:build !linux

package match

// adviseHugePages is a no-op where the kernel has no such hint.
func adviseHugePages[T any](s []T) {}
