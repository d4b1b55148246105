-- A headless Neovim as an LSP client of `xsr lsp --stdio`, with nothing but
-- Neovim's own LSP client (no plugin): open a fixture, wait for its
-- diagnostics, apply the XSR001 quick fix through vim.lsp.buf.code_action(),
-- run the "Simulate interleavings" code lens through vim.lsp.codelens.run(),
-- and write what happened to $XSR_OUT as JSON for test/lsp/neovim.cli.test.ts.
-- Every wait is on a condition (vim.wait), with a generous deadline.
local out = { errors = {}, messages = {} }
local DEADLINE = tonumber(os.getenv('XSR_DEADLINE_MS') or '90000')

local function finish()
  local f = io.open(os.getenv('XSR_OUT'), 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qall!')
end

local function wait(what, cond)
  if vim.wait(DEADLINE, cond, 50) then return true end
  table.insert(out.errors, 'timed out waiting for ' .. what)
  return false
end

-- What the server tells the user, and what a command returns.
vim.lsp.handlers['window/showMessage'] = function(_, result)
  table.insert(out.messages, result.message)
end
local default_execute = vim.lsp.handlers['workspace/executeCommand']
vim.lsp.handlers['workspace/executeCommand'] = function(err, result, ctx, config)
  out.executed = { error = err and err.message or vim.NIL, result = result }
  if default_execute then return default_execute(err, result, ctx, config) end
end
-- The user's choice in a selection list: the first entry (one quick fix is offered).
vim.ui.select = function(items, opts, on_choice)
  out.selected = { prompt = opts.prompt, count = #items }
  on_choice(items[1], 1)
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('XSR_FILE')))
  vim.bo.filetype = 'c'
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'xsr',
    cmd = { os.getenv('XSR_NODE'), os.getenv('XSR_SERVER'), 'lsp', '--stdio' },
    root_dir = os.getenv('XSR_ROOT'),
    workspace_folders = { { uri = vim.uri_from_fname(os.getenv('XSR_ROOT')), name = 'fixtures' } },
  })
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  wait('the server to initialize', function() return client.initialized end)
  out.executeCommands = client.server_capabilities.executeCommandProvider
    and client.server_capabilities.executeCommandProvider.commands or vim.NIL

  -- Diagnostics.
  if not wait('diagnostics', function() return #vim.diagnostic.get(bufnr) > 0 end) then return end
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out.diagnostics, { code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), lnum = d.lnum, col = d.col, source = d.source })
  end
  table.sort(out.diagnostics, function(a, b) return a.lnum < b.lnum end)

  -- The XSR001 quick fix, as a user asks for it on the finding's line.
  local target
  for _, d in ipairs(out.diagnostics) do if d.code == 'XSR001' then target = d end end
  if not target then table.insert(out.errors, 'no XSR001 diagnostic'); return end
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local before = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.buf.code_action({ only = { 'quickfix' } })
  if not wait('the quick fix to change the buffer', function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= before end) then return end
  out.fixed = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')

  -- The code lens, run where it is, as a user does with the cursor on its line.
  vim.lsp.codelens.refresh()
  if not wait('code lenses', function() return #vim.lsp.codelens.get(bufnr) > 0 end) then return end
  local lens = vim.lsp.codelens.get(bufnr)[1]
  out.lens = { title = lens.command.title, command = lens.command.command, line = lens.range.start.line }
  vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
  vim.lsp.codelens.run()
  wait('the command to return', function() return out.executed ~= nil end)
  wait('the verdict message', function()
    for _, m in ipairs(out.messages) do if m:find('^xsr: ') then return true end end
    return false
  end)
end)
if not ok then table.insert(out.errors, tostring(err)) end
finish()
