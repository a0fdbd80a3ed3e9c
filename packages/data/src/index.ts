// @interp/data: the user's own data (image folders, tables, prediction files).
export {};
