using EdgeAgent.Cli;

return await EdgeAgentCli.InvokeAsync(args);
