-- A minimal neovim client config for typeorm-lsp, used by the headless test and as the
-- documented setup (README). On neovim 0.11+ it is `vim.lsp.config` + `vim.lsp.enable`
-- (the client starts when a TypeScript buffer opens); on 0.7 to 0.10 the client is
-- started by hand (`vim.lsp.start_client` on 0.7, `vim.lsp.start` on 0.8+).
--
-- The test calls TypeormLspTest(file, out): it opens `file`, waits for typeorm-lsp's
-- diagnostics, asks for hover and code actions at the first one, applies the quick fix
-- that adds `@Index()`, and writes what it saw to `out` as JSON.

local M = {}

local has_011 = vim.fn.has('nvim-0.11') == 1
local markers = { 'typeorm-lsp.json', 'tsconfig.json', 'package.json' }
local cmd = { vim.env.TYPEORM_LSP_BIN or 'typeorm-lsp', 'lsp' }

-- What the server shows the user (window/showMessage): the test asserts there is nothing.
M.messages = {}
vim.lsp.handlers['window/showMessage'] = function(_, params)
  table.insert(M.messages, params.message)
end

if has_011 then
  vim.lsp.config('typeorm_lsp', {
    cmd = cmd,
    filetypes = { 'typescript' },
    root_markers = markers,
  })
  vim.lsp.enable('typeorm_lsp')
end

local function root_dir(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while dir ~= '/' do
    for _, marker in ipairs(markers) do
      if vim.fn.filereadable(dir .. '/' .. marker) == 1 then
        return dir
      end
    end
    dir = vim.fn.fnamemodify(dir, ':h')
  end
  return vim.fn.getcwd()
end

-- neovim < 0.11: start the client for the buffer ourselves.
function M.attach(bufnr, file)
  local config = { name = 'typeorm-lsp', cmd = cmd, root_dir = root_dir(file), init_options = {} }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.lsp.buf_get_clients(bufnr)
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

-- The LSP character of byte column `col` on line `lnum`, in the negotiated encoding.
local function character(bufnr, lnum, col, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ''
  if encoding == 'utf-8' then
    return col
  end
  if has_011 then
    return vim.str_utfindex(line, encoding, col, false)
  end
  local utf32, utf16 = vim.str_utfindex(line, col)
  return encoding == 'utf-32' and utf32 or utf16
end

local function request(bufnr, method, params)
  local replies = vim.lsp.buf_request_sync(bufnr, method, params, 10000) or {}
  for _, r in pairs(replies) do
    if r.result then
      return r.result
    end
  end
end

function TypeormLspTest(file, out)
  local v = vim.version()
  local result = { version = v.major .. '.' .. v.minor .. '.' .. v.patch }
  result.api = has_011 and 'vim.lsp.enable' or (vim.lsp.start and 'vim.lsp.start' or 'vim.lsp.start_client')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  if not has_011 then
    M.attach(bufnr, file)
  end
  local ok = vim.wait(20000, function()
    return #typeorm_diagnostics(bufnr) > 0
  end, 50)
  local client = clients(bufnr)[1]
  result.waited_ok = ok
  result.diagnostics = typeorm_diagnostics(bufnr)
  result.messages = M.messages
  result.offset_encoding = client and client.offset_encoding
  local first = result.diagnostics[1]
  if first and client then
    local position = { line = first.lnum, character = character(bufnr, first.lnum, first.col, client.offset_encoding) }
    result.position = position
    local uri = vim.uri_from_bufnr(bufnr)
    local hover = request(bufnr, 'textDocument/hover', { textDocument = { uri = uri }, position = position })
    if hover and hover.contents then
      result.hover = hover.contents.value or vim.fn.json_encode(hover.contents)
    end
    local actions = request(bufnr, 'textDocument/codeAction', {
      textDocument = { uri = uri },
      range = { start = position, ['end'] = position },
      context = { diagnostics = {} },
    }) or {}
    result.actions = {}
    for _, a in ipairs(actions) do
      table.insert(result.actions, a.title)
    end
    -- Apply the quick fix that adds `@Index()` (resolving its edit when it is lazy).
    for _, a in ipairs(actions) do
      if a.title:find('@Index()', 1, true) then
        if not a.edit then
          a = request(bufnr, 'codeAction/resolve', a) or a
        end
        if a.edit then
          vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
        end
        break
      end
    end
    result.fixed = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  end
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  if client then
    vim.lsp.stop_client(client.id)
    vim.wait(2000, function()
      return vim.lsp.get_client_by_id(client.id) == nil
    end, 50)
  end
  vim.cmd('qa!')
end

return M
