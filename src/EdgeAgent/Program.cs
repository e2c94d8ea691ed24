using EdgeAgent.Cli;

EdgeAgent.Hosting.NativeHeap.Tune(); // first, before threads take malloc arenas (docs/design-notes.md, Cameras: memory budget)
return await EdgeAgentCli.InvokeAsync(args);
