"""One module per command family; each defines `register(tree: CommandTree)`.

Keep imports at the top of these modules light (argparse only): every `chot` start imports
all of them. Import the component inside the handler.
"""
