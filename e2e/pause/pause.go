// The pod sandbox's process for the e2e node (what a cluster's pause image holds): it keeps the pod's namespaces
// alive, reaps any process orphaned into it, and exits on SIGINT or SIGTERM. Written here because no registry that
// this project may use serves a pause image; e2e/node builds it statically and packs it as a one-file image.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}
