// Command annotations writes an execution trace (to the file named by its
// argument) of user annotations: tasks with parents, regions nested and
// spanning goroutines, and log messages, some of them repeated.
package main

import (
	"context"
	"os"
	"runtime/trace"
	"sync"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()

	ctx, outer := trace.NewTask(context.Background(), "outer")
	trace.Log(ctx, "phase", "start")
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx, inner := trace.NewTask(ctx, "inner")
			defer inner.End()
			trace.WithRegion(ctx, "work", func() {
				r := trace.StartRegion(ctx, "nested")
				trace.Logf(ctx, "item", "%d", i)
				trace.Log(ctx, "", "same message")
				r.End()
			})
		}(i)
	}
	wg.Wait()
	trace.WithRegion(context.Background(), "background region", func() {
		trace.Log(context.Background(), "phase", "end")
	})
	outer.End()
	_, never := trace.NewTask(ctx, "never ended")
	_ = never
}
