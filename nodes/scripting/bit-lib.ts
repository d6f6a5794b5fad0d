/**
 * The `bit` library Redis ships (LuaBitOp): 32-bit operations whose results are signed 32-bit
 * numbers. Written in Lua over 5.4's native integer operators; numbers are taken modulo 2^32
 * (floats rounded), as LuaBitOp does.
 */
export const BIT_LIB_SOURCE = `
local floor, fmod, mtype, tonumber, error, format = math.floor, math.fmod, math.type, tonumber, error, string.format
local function norm(x)
  x = x & 0xffffffff
  if x >= 0x80000000 then return x - 0x100000000 end
  return x
end
local function tob(x)
  if mtype(x) ~= 'integer' then
    local n = tonumber(x)
    if n == nil then error("bad argument (number expected, got " .. type(x) .. ")", 3) end
    if mtype(n) == 'float' then n = floor(fmod(n, 4294967296) + 0.5) end
    x = n
  end
  return norm(x)
end
local function fold(op)
  return function(a, ...)
    local r = tob(a)
    for i = 1, select('#', ...) do r = op(r, tob((select(i, ...)))) end
    return norm(r)
  end
end
local bit = {}
bit.tobit = function(x) return tob(x) end
bit.bnot = function(x) return norm(~tob(x)) end
bit.band = fold(function(a, b) return a & b end)
bit.bor = fold(function(a, b) return a | b end)
bit.bxor = fold(function(a, b) return a ~ b end)
bit.lshift = function(x, n) return norm(tob(x) << (tob(n) & 31)) end
bit.rshift = function(x, n) return norm((tob(x) & 0xffffffff) >> (tob(n) & 31)) end
bit.arshift = function(x, n) return norm(tob(x) // (1 << (tob(n) & 31))) end
bit.rol = function(x, n)
  local u, s = tob(x) & 0xffffffff, tob(n) & 31
  return norm((u << s) | (u >> (32 - s)))
end
bit.ror = function(x, n)
  local u, s = tob(x) & 0xffffffff, tob(n) & 31
  return norm((u >> s) | (u << (32 - s)))
end
bit.bswap = function(x)
  local u = tob(x) & 0xffffffff
  return norm(((u & 0xff) << 24) | ((u & 0xff00) << 8) | ((u >> 8) & 0xff00) | (u >> 24))
end
bit.tohex = function(x, n)
  n = n == nil and 8 or tob(n)
  local upper = n < 0
  if upper then n = -n end
  if n > 8 then n = 8 end
  local s = format(upper and '%08X' or '%08x', tob(x) & 0xffffffff)
  return s:sub(9 - n)
end
return bit
`;
