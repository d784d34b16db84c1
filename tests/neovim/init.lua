-- A minimal neovim client config for typeorm-lsp, used by the headless test and as the
-- documented setup (README). Works on neovim 0.7 (vim.lsp.start_client) and 0.8+
-- (vim.lsp.start).
--
-- The test calls TypeormLspTest(file, out): it opens `file`, waits for typeorm-lsp's
-- diagnostics, asks for hover and code actions at the first one, and writes what it saw
-- to `out` as JSON.

local M = {}

local function root_dir(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while dir ~= '/' do
    for _, marker in ipairs({ 'typeorm-lsp.json', 'tsconfig.json', 'package.json' }) do
      if vim.fn.filereadable(dir .. '/' .. marker) == 1 then
        return dir
      end
    end
    dir = vim.fn.fnamemodify(dir, ':h')
  end
  return vim.fn.getcwd()
end

function M.config(file)
  return {
    name = 'typeorm-lsp',
    cmd = { vim.env.TYPEORM_LSP_BIN or 'typeorm-lsp', 'lsp' },
    root_dir = root_dir(file),
    init_options = {},
  }
end

-- What the server shows the user (window/showMessage): the test asserts there is nothing.
M.messages = {}
vim.lsp.handlers['window/showMessage'] = function(_, params)
  table.insert(M.messages, params.message)
end

function M.attach(bufnr, file)
  local config = M.config(file)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function typeorm_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'typeorm-lsp' or (d.user_data and d.user_data.lsp) then
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      table.insert(out, { code = code, lnum = d.lnum, col = d.col, message = d.message })
    end
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and tostring(a.code) < tostring(b.code))
  end)
  return out
end

function TypeormLspTest(file, out)
  local result = { version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) }
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = M.attach(bufnr, file)
  local ok = vim.wait(20000, function()
    return #typeorm_diagnostics(bufnr) > 0
  end, 50)
  result.diagnostics = typeorm_diagnostics(bufnr)
  result.waited_ok = ok
  result.messages = M.messages
  local first = result.diagnostics[1]
  if first then
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = { line = first.lnum, character = first.col },
    }
    local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 10000) or {}
    for _, r in pairs(hover) do
      if r.result and r.result.contents then
        result.hover = r.result.contents.value or vim.fn.json_encode(r.result.contents)
      end
    end
    params.range = { start = params.position, ['end'] = params.position }
    params.position = nil
    params.context = { diagnostics = {} }
    local actions = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000) or {}
    result.actions = {}
    for _, r in pairs(actions) do
      for _, a in ipairs(r.result or {}) do
        table.insert(result.actions, a.title)
      end
    end
  end
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.lsp.stop_client(client_id)
  vim.wait(2000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
  vim.cmd('qa!')
end

return M
