// Command gc writes an execution trace (to the file named by its argument) of
// garbage collection: allocation that triggers GC cycles and mark assists,
// forced collections, and stop-the-world reads of memory statistics.
package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"sync"
)

var sink [][]byte

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	debug.SetGCPercent(20)
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()

	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local [][]byte
			for j := 0; j < 600; j++ {
				local = append(local, make([]byte, 1024+j%512))
				if len(local) > 100 {
					local = local[:0]
				}
			}
			sink = append(sink, local...)
		}()
	}
	wg.Wait()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	sink = nil
	debug.FreeOSMemory()
}
