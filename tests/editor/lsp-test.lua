-- Neovim's built-in LSP client against `layerlint lsp`: attach to a
-- Dockerfile, wait for diagnostics, ask for code actions and hover, apply
-- a quick fix, a suppression and fix-all, and check the buffer each time.
-- Run by nvim-test.sh (Neovim 0.7+: vim.lsp.start_client, not vim.lsp.start).

local bin = os.getenv("LAYERLINT_BIN")
local fixture = os.getenv("FIXTURE")
local passed, failed = 0, 0

local function out(line)
  io.stdout:write(line .. "\n")
end

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    out("ok     " .. name)
  else
    failed = failed + 1
    out("FAILED " .. name .. (detail and (": " .. detail) or ""))
  end
  return ok
end

-- "CODE@line" for each layerlint diagnostic, sorted (lines 1-based).
local function diagnostics(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(found, string.format("%s@%d", tostring(code), d.lnum + 1))
  end
  table.sort(found)
  return table.concat(found, " ")
end

local function wait_for(bufnr, expected)
  local ok = vim.wait(15000, function()
    return diagnostics(bufnr) == expected
  end, 20)
  return ok, diagnostics(bufnr)
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, 15000)
  if not responses then
    return nil, tostring(err)
  end
  for _, response in pairs(responses) do
    if response.error then
      return nil, vim.inspect(response.error)
    end
    return response.result
  end
  return nil, "no response"
end

local function code_actions(bufnr, line, character, only)
  local position = { line = line, character = character }
  local context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, line) }
  if only then
    context.only = only
  end
  return request(bufnr, "textDocument/codeAction", {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = { start = position, ["end"] = position },
    context = context,
  })
end

local function find(actions, title)
  for _, action in ipairs(actions or {}) do
    if action.title == title then
      return action
    end
  end
  return nil
end

local function titles(actions)
  local t = {}
  for _, action in ipairs(actions or {}) do
    table.insert(t, action.title)
  end
  return table.concat(t, " | ")
end

local function lines(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

local function run()
  vim.cmd("edit " .. vim.fn.fnameescape(fixture))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "layerlint",
    cmd = { bin, "lsp" },
    root_dir = vim.fn.fnamemodify(fixture, ":h"),
    -- The rules this test is about, so that new rules do not change it
    -- (and MAINTAINER's DL4000, on by default, shows the options apply).
    init_options = { select = { "DL3000", "DL3025", "LL102" } },
  })
  if not check("client started", client_id ~= nil) then
    return
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local ok, got = wait_for(bufnr, "DL3000@2 DL3025@3 LL102@1")
  check("diagnostics published on open", ok, got)

  local actions, err = code_actions(bufnr, 0, 18)
  local fix = find(actions, "Write `AS`")
  check("quick fix offered and preferred", fix and fix.isPreferred == true, err or titles(actions))
  check("ignore action offered", find(actions, "Ignore LL102 for this instruction") ~= nil, titles(actions))
  if fix then
    vim.lsp.util.apply_workspace_edit(fix.edit, "utf-16")
    local first = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1]
    check("quick fix applied", first == "FROM alpine:3.19 AS build", first)
  end
  ok, got = wait_for(bufnr, "DL3000@2 DL3025@3")
  check("diagnostics follow the edit", ok, got)

  actions, err = code_actions(bufnr, 1, 11)
  local ignore = find(actions, "Ignore DL3000 for this instruction")
  check("ignore action for DL3000", ignore ~= nil, err or titles(actions))
  if ignore then
    vim.lsp.util.apply_workspace_edit(ignore.edit, "utf-16")
    local second = vim.api.nvim_buf_get_lines(bufnr, 1, 3, false)
    check(
      "suppression inserted with the indentation",
      second[1] == "  # layerlint ignore=DL3000" and second[2] == "  WORKDIR app",
      vim.inspect(second)
    )
  end
  ok, got = wait_for(bufnr, "DL3025@4")
  check("suppressed finding gone", ok, got)

  local hover
  hover, err = request(bufnr, "textDocument/hover", {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    position = { line = 3, character = 6 },
  })
  local value = hover and hover.contents and hover.contents.value or ""
  check("hover shows the rule docs", value:find("DL3025", 1, true) and value:find("## What it does", 1, true), err or value)

  actions, err = code_actions(bufnr, 0, 0, { "source.fixAll" })
  local fix_all = actions and actions[1]
  check("fix all offered", fix_all and fix_all.kind == "source.fixAll.layerlint", err or titles(actions))
  if fix_all then
    vim.lsp.util.apply_workspace_edit(fix_all.edit, "utf-16")
    local text = lines(bufnr)
    check(
      "fix all applied",
      text == 'FROM alpine:3.19 AS build\n  # layerlint ignore=DL3000\n  WORKDIR app\nCMD ["node", "server.js"]\nMAINTAINER someone',
      text
    )
  end
  ok, got = wait_for(bufnr, "")
  check("no findings left", ok, got)

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 20)
end

local ok, err = pcall(run)
if not ok then
  failed = failed + 1
  out("FAILED error: " .. tostring(err))
end
out(string.format("neovim: %d passed, %d failed", passed, failed))
if failed > 0 then
  vim.cmd("cquit 1")
else
  vim.cmd("qall!")
end
