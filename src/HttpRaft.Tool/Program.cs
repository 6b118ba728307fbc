using HttpRaft.Tool;

// httpraft: the command line for an HttpRaft cluster, built on HttpRaft.Client.
return await Cli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
